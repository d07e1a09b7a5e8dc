"""Star ratings read from markup: rating_from_element on one widget, find_star_ratings on a subtree.

The snippets are written for these tests, modelled on the markup that review plugins and sites emit
(WordPress review plugins, WooCommerce, Amazon-like, Goodreads-like, TripAdvisor-like, Font Awesome).
"""

from __future__ import annotations

import time

import lxml.html
import pytest
from lxml import etree

from reviewcrawl.extract.stars import find_star_ratings, rating_from_element

FA4_45 = '<div class="rating">' + '<i class="fa fa-star"></i>' * 4 + '<i class="fa fa-star-half-o"></i></div>'

# (name, snippet, value, best)
WIDGETS = [
    # Amazon-like: class and screen-reader text agree
    (
        "amazon reviewer stars",
        '<i data-hook="review-star-rating" class="a-icon a-icon-star a-star-4-5 review-rating">'
        '<span class="a-icon-alt">4.5 out of 5 stars</span></i>',
        4.5,
        5,
    ),
    ("amazon class only", '<i class="a-icon a-icon-star a-star-4"></i>', 4, 5),
    ("amazon small class", '<i class="a-icon a-icon-star-small a-star-small-3-5"></i>', 3.5, 5),
    # WooCommerce
    (
        "woocommerce star-rating",
        '<div class="star-rating" role="img" aria-label="Rated 4.00 out of 5">'
        '<span style="width:80%">Rated <strong class="rating">4.00</strong> out of 5</span></div>',
        4,
        5,
    ),
    # WP Review (a star bar: two rows of icons, the top one clipped by width)
    (
        "wp review star bar",
        '<div class="review-total-star"><div class="review-result-wrapper">'
        + '<i class="mts-icon-star"></i>' * 5
        + '<div class="review-result" style="width:90%;">'
        + '<i class="mts-icon-star"></i>' * 5
        + "</div></div></div>",
        4.5,
        5,
    ),
    (
        "wp review total box",
        '<div class="review-total-box"><span class="review-total-score">8.5/10</span></div>',
        8.5,
        10,
    ),
    # Yasr (Yet Another Stars Rating): the author's overall rating as a data attribute
    (
        "yasr overall rating",
        '<div class="yasr_overall_rating"><div class="yasr-rater-stars" id="yasr-overall-rating-rater-5f2c"'
        ' data-rating="4.5" data-rater-starsize="24"></div></div>',
        4.5,
        5,
    ),
    # Site Reviews
    (
        "site reviews with data-rating",
        '<div class="glsr-star-rating glsr-stars" data-rating="4" data-reviews="0">'
        + '<span class="glsr-star glsr-star-full" aria-hidden="true"></span>' * 4
        + '<span class="glsr-star glsr-star-empty" aria-hidden="true"></span></div>',
        4,
        5,
    ),
    (
        "site reviews icons only",
        '<div class="glsr-stars">'
        + '<span class="glsr-star glsr-star-full"></span>' * 3
        + '<span class="glsr-star glsr-star-half"></span><span class="glsr-star glsr-star-empty"></span></div>',
        3.5,
        5,
    ),
    # Starfish-like review widget with an accessible label
    (
        "starfish-like aria label",
        '<div class="srp-rating" role="img" aria-label="Rated 5 out of 5 stars">'
        + '<span class="srp-star srp-star--full">★</span>' * 5
        + "</div>",
        5,
        5,
    ),
    # Goodreads-like: a phrase title and p10/p0 star spans
    (
        "goodreads-like static stars",
        '<span class=" staticStars notranslate" title="really liked it">'
        '<span size="15x15" class="staticStar p10">really liked it</span>'
        + '<span size="15x15" class="staticStar p10"></span>' * 3
        + '<span size="15x15" class="staticStar p0"></span></span>',
        4,
        5,
    ),
    (
        "goodreads-like stars without title",
        '<span class="staticStars">'
        + '<span class="staticStar p10"></span>' * 2
        + '<span class="staticStar p0"></span>' * 3
        + "</span>",
        2,
        5,
    ),
    # Font Awesome 4, 5, 6
    ("font awesome 4 half", FA4_45, 4.5, 5),
    (
        "font awesome 4 empty",
        '<span class="stars">' + '<i class="fa fa-star"></i>' * 3 + '<i class="fa fa-star-o"></i>' * 2 + "</span>",
        3,
        5,
    ),
    (
        "font awesome 5 solid/regular",
        '<span class="review-stars">' + '<i class="fas fa-star"></i>' * 4 + '<i class="far fa-star"></i></span>',
        4,
        5,
    ),
    (
        "font awesome 6 half stroke",
        '<div class="stars">'
        + '<i class="fa-solid fa-star"></i>' * 3
        + '<i class="fa-solid fa-star-half-stroke"></i><i class="fa-regular fa-star"></i></div>',
        3.5,
        5,
    ),
    (
        "font awesome ten-star scale",
        '<div class="rating">' + '<i class="fa fa-star"></i>' * 8 + '<i class="fa fa-star-o"></i>' * 2 + "</div>",
        8,
        10,
    ),
    (
        "font awesome only filled icons",
        '<div class="post-rating">' + '<i class="fa fa-star"></i>' * 4 + "</div>",
        4,
        5,
    ),
    # WordPress core wp_star_rating() and dashicons
    (
        "wordpress core star-rating",
        '<div class="star-rating"><span class="screen-reader-text">4.5 rating</span>'
        + '<div class="star star-full" aria-hidden="true"></div>' * 4
        + '<div class="star star-half" aria-hidden="true"></div></div>',
        4.5,
        5,
    ),
    (
        "dashicons",
        '<p class="rating">'
        + '<span class="dashicons dashicons-star-filled"></span>' * 2
        + '<span class="dashicons dashicons-star-half"></span>'
        + '<span class="dashicons dashicons-star-empty"></span>' * 2
        + "</p>",
        2.5,
        5,
    ),
    # SVG and <use> icons, Bootstrap icons, Material icons
    (
        "svg full/half/empty",
        '<div class="rating-stars">'
        + '<svg class="star full" viewBox="0 0 24 24"><path d="M0 0"/></svg>' * 3
        + '<svg class="star half" viewBox="0 0 24 24"><path d="M0 0"/></svg>'
        + '<svg class="star empty" viewBox="0 0 24 24"><path d="M0 0"/></svg></div>',
        3.5,
        5,
    ),
    (
        "svg use symbol id",
        '<span class="stars"><svg class="stars-svg"><use xlink:href="#stars-3-5-star"></use></svg></span>',
        3.5,
        5,
    ),
    (
        "bootstrap icons",
        '<div class="stars">' + '<i class="bi bi-star-fill"></i>' * 4 + '<i class="bi bi-star"></i></div>',
        4,
        5,
    ),
    (
        "material icons",
        '<div class="rating">'
        + '<i class="material-icons">star</i>' * 3
        + '<i class="material-icons">star_half</i><i class="material-icons">star_border</i></div>',
        3.5,
        5,
    ),
    (
        "li wrappers marked unchecked",
        '<ul class="rating-list">'
        + '<li class="rating-list__item"><i class="icon-Rating-Star"></i></li>' * 3
        + '<li class="rating-list__item uncheck"><i class="icon-Rating-Star"></i></li>' * 2
        + "</ul>",
        3,
        5,
    ),
    (
        "spans marked active",
        '<div class="stars">' + '<span class="star active"></span>' * 2 + '<span class="star"></span>' * 3 + "</div>",
        2,
        5,
    ),
    # TripAdvisor-like bubbles, Yelp-like classes
    ("tripadvisor bubble 45", '<span class="ui_bubble_rating bubble_45"></span>', 4.5, 5),
    ("tripadvisor bubble 40", '<span class="ui_bubble_rating bubble_40"></span>', 4, 5),
    ("tripadvisor bubble 10", '<span class="ui_bubble_rating bubble_10"></span>', 1, 5),
    ("tripadvisor svg label", '<svg class="UctUV" viewBox="0 0 128 24" aria-label="4.5 of 5 bubbles"></svg>', 4.5, 5),
    (
        "yelp-like regular half",
        '<div class="i-stars i-stars--regular-4-half rating-large" title="4.5 star rating">'
        '<img class="offscreen" src="/img/stars_map.png" alt="4.5 star rating" width="84" height="303"></div>',
        4.5,
        5,
    ),
    ("yelp-like aria label", '<div aria-label="4 star rating" role="img" class="css-1fdy0l5"></div>', 4, 5),
    ("stars_4_half", '<span class="stars_4_half"></span>', 4.5, 5),
    # class-name conventions
    ("stars-45", '<span class="stars stars-45"></span>', 4.5, 5),
    ("star-rating-4-5", '<div class="star-rating-4-5"></div>', 4.5, 5),
    ("star-rating-40", '<div class="star-rating star-rating-40"></div>', 4, 5),
    ("rating-45", '<div class="rating rating-45"></div>', 4.5, 5),
    ("rating-4", '<div class="rating rating-4"></div>', 4, 5),
    ("rated-3", '<span class="rated-3"></span>', 3, 5),
    ("stars-4", '<div class="stars-4"></div>', 4, 5),
    # star images: alt, title, file names
    ("img alt", '<img src="/img/stars/rating.png" alt="4.5 stars">', 4.5, 5),
    ("img alt rated", '<img class="rating" src="/s.png" alt="Rated 4 out of 5">', 4, 5),
    ("img title", '<img src="/i/r.gif" alt="" title="3 out of 5 stars">', 3, 5),
    ("file stars-4-5.png", '<img src="/wp-content/uploads/2024/05/stars-4-5.png" alt="">', 4.5, 5),
    ("file 4_5-stars.gif", '<img src="https://cdn.example.com/img/4_5-stars.gif" alt="">', 4.5, 5),
    ("file rating_45.png", '<img src="/images/rating_45.png" alt="">', 4.5, 5),
    ("file 4star.png", '<img src="/images/4star.png" alt="">', 4, 5),
    ("file 5-stars.svg", '<img src="/assets/5-stars.svg?v=3" alt="">', 5, 5),
    ("file star_rating_3.5.png", '<img src="/uploads/star_rating_3.5.png" alt="">', 3.5, 5),
    ("file 4-of-5-stars.png", '<img src="/img/4-of-5-stars.png" alt="">', 4, 5),
    (
        "images on/off",
        '<div class="stars">' + '<img src="/i/star-on.png" alt="">' * 4 + '<img src="/i/star-off.png" alt=""></div>',
        4,
        5,
    ),
    (
        "images full/half/empty",
        '<span class="rating">'
        + '<img src="/i/full-star.svg" alt="">' * 2
        + '<img src="/i/half-star.svg" alt="">'
        + '<img src="/i/empty-star.svg" alt="">' * 2
        + "</span>",
        2.5,
        5,
    ),
    # star bars
    (
        "bar inside rating box",
        '<div class="rating-bar"><div class="rating-fill" style="width: 70%"></div></div>',
        3.5,
        5,
    ),
    (
        "bar filled_star list",
        '<div class="wrap_rating_list"><ul class="list">'
        + "<li>☆</li>" * 5
        + '</ul><ul class="list filled_star" style="width:60%">'
        + "<li>★</li>" * 5
        + "</ul></div>",
        3,
        5,
    ),
    ("bar off the half steps", '<div class="star-rating"><span style="width:83%"></span></div>', 83, 100),
    # data attributes, meter, microdata
    ("raty data-score", '<div class="raty" data-score="3.5" data-number="5"></div>', 3.5, 5),
    (
        "rateit",
        '<div class="rateit" data-rateit-value="7.5" data-rateit-max="10" data-rateit-readonly="true"></div>',
        7.5,
        10,
    ),
    ("data-value on rating class", '<div class="c-rating" data-value="4" data-max="5"></div>', 4, 5),
    ("data-rating ten", '<div class="score-badge" data-rating="8"></div>', 8, 10),
    ("meter", '<meter class="review-rating" min="0" max="10" value="8">8 out of 10</meter>', 8, 10),
    (
        "microdata reviewRating",
        '<div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">'
        '<meta itemprop="worstRating" content="1"><span itemprop="ratingValue">8</span>/'
        '<span itemprop="bestRating">10</span></div>',
        8,
        10,
    ),
    # accessible labels and text
    ("aria-label", '<div class="c-rating" role="img" aria-label="Rated 4 out of 5"></div>', 4, 5),
    ("title", '<span class="rating-stars" title="4 stars"></span>', 4, 5),
    ("german title", '<div class="bewertung" title="4 von 5 Sternen"></div>', 4, 5),
    ("unicode glyphs", '<p class="review-rating">★★★★☆</p>', 4, 5),
    ("unicode glyphs with label", "<span>Rating: ★★★½</span>", 3.5, 5),
    ("glyphs and scale", '<div class="stars">★★★★☆ <small>(4/5)</small></div>', 4, 5),
]

# (name, snippet): widgets that show no rating of the reviewer's
NOT_WIDGETS = [
    (
        "newsletter button with a star class",
        '<button class="btn btn-star newsletter-subscribe"><i class="fa fa-star"></i> Subscribe</button>',
    ),
    ("favourites link with one star icon", '<a class="star-link" href="/favs"><i class="fa fa-star"></i> Save</a>'),
    ("film certificate", '<div class="rating">PG-13</div>'),
    ("rated R", '<span class="film-rating">Rated R</span>'),
    ("mpaa line", '<div class="rating mpaa">Rated PG-13 for violence and language</div>'),
    ("progress bar", '<div class="progress"><div class="progress-bar" style="width:100%"></div></div>'),
    ("reading progress", '<div class="reading-progress" style="width: 100%"></div>'),
    ("star wars banner", '<div class="star-wars-banner" style="width:100%">May the 4th</div>'),
    (
        "rate-this form",
        '<form class="rate-this"><fieldset class="star-rating">'
        '<input type="radio" name="rating" value="5" id="r5"><label for="r5" title="5 stars">5 stars</label>'
        '<input type="radio" name="rating" value="4" id="r4"><label for="r4" title="4 stars">4 stars</label>'
        "</fieldset></form>",
    ),
    (
        "visitor votes average",
        '<div class="kk-star-ratings" data-score="4.5"><div class="kksr-stars"></div>'
        '<div class="kksr-legend"><strong class="kksr-score">4.5</strong>/<strong>5</strong>'
        " (<strong class='kksr-count'>12</strong> votes)</div></div>",
    ),
    ("unrated data-rating", '<div class="star-rating" data-rating="0"></div>'),
    ("unrated class", '<div class="stars-0"></div>'),
    ("ambiguous rating-40", '<div class="rating-40"></div>'),
    ("scale-less rating-8", '<div class="rating-8"></div>'),
    ("plain icons without state", '<div class="stars">' + '<span class="star"></span>' * 5 + "</div>"),
    (
        "icon positions",
        '<div class="stars">' + "".join(f'<span class="star star-{i}"></span>' for i in range(1, 6)) + "</div>",
    ),
    ("icon size in file name", '<img src="/icons/star-24.png" alt="">'),
    ("retina icon", '<img src="/img/star@2x.png" alt="Featured">'),
    ("disk usage meter", '<meter value="0.8">80%</meter>'),
    ("hotel class", '<div class="hotel-stars-4"></div>'),
    ("stardate", '<span class="stardate">Posted 4/5/2025</span>'),
    ("average with count", '<div class="rating">Average rating: 4.2/5 (87 ratings)</div>'),
    ("data-rating text", '<div class="rating" data-rating="R"></div>'),
    ("one filled icon", '<span class="stars"><i class="fa fa-star"></i></span>'),
]


def _el(snippet: str) -> etree._Element:
    return lxml.html.fragment_fromstring(snippet)


@pytest.mark.parametrize(("name", "snippet", "value", "best"), WIDGETS, ids=[w[0] for w in WIDGETS])
def test_rating_from_element(name: str, snippet: str, value: float, best: float) -> None:
    r = rating_from_element(_el(snippet))
    assert r is not None and (r.value, r.best) == (value, best), r


@pytest.mark.parametrize(("name", "snippet"), NOT_WIDGETS, ids=[w[0] for w in NOT_WIDGETS])
def test_not_a_rating_widget(name: str, snippet: str) -> None:
    assert rating_from_element(_el(snippet)) is None


def test_microdata_keeps_worst() -> None:
    r = rating_from_element(_el(next(w[1] for w in WIDGETS if w[0] == "microdata reviewRating")))
    assert r is not None and (r.value, r.best, r.worst) == (8, 10, 1)


def test_works_on_plain_etree_parser_trees() -> None:
    parser = etree.HTMLParser(remove_comments=True)
    root = etree.fromstring(f"<html><body>{FA4_45}</body></html>", parser)
    found = find_star_ratings(root)
    assert [(r.value, r.best) for r, _ in found] == [(4.5, 5)]


PAGE = """
<html><body>
<header class="site-header"><button class="btn star-us"><i class="fa fa-star"></i> Star us</button></header>
<article class="post">
  <h1>Ballerina review</h1>
  <div class="entry-meta"><span class="star-rating" aria-label="Rated 4 out of 5">
    <i class="fa fa-star"></i><i class="fa fa-star"></i><i class="fa fa-star"></i><i class="fa fa-star"></i>
    <i class="fa fa-star-o"></i></span></div>
  <div class="entry-content">
    <p>It is a film about a dancer. The certificate:</p>
    <div class="rating">PG-13</div>
    <p>Cast: <i class="fa fa-star"></i> Jane Doe</p>
    <div class="review-box"><span class="ui_bubble_rating bubble_45"></span></div>
  </div>
  <div itemprop="aggregateRating" itemscope><span class="stars-35"></span>
    <meta itemprop="ratingValue" content="3.5"></div>
  <form class="rate-it"><div class="stars"><label title="5 stars"><input type="radio" value="5"></label></div></form>
  <section id="comments" class="comments-area">
    <div class="comment"><span class="stars" title="2 stars"></span><p>Hated it</p></div>
  </section>
  <ul class="user-reviews"><li><img src="/img/5-stars.png" alt=""></li></ul>
  <div class="testimonial"><span class="a-icon a-star-5"></span></div>
</article>
<aside class="sidebar"><div class="related"><span class="a-icon a-icon-star a-star-3"></span></div></aside>
</body></html>
"""


def test_find_star_ratings_in_document_order() -> None:
    root = lxml.html.document_fromstring(PAGE)
    found = find_star_ratings(root)
    assert [(r.value, r.best) for r, _ in found] == [(4, 5), (4.5, 5), (3, 5)]
    assert [el.get("class") for _, el in found] == [
        "star-rating",
        "ui_bubble_rating bubble_45",
        "a-icon a-icon-star a-star-3",
    ]


def test_find_star_ratings_reads_a_widget_once() -> None:
    root = lxml.html.fragment_fromstring(f"<div>{FA4_45}<p>text</p></div>")
    found = find_star_ratings(root)
    assert len(found) == 1 and found[0][1].get("class") == "rating"


def test_find_star_ratings_icon_row_without_class_on_the_holder() -> None:
    root = lxml.html.fragment_fromstring(
        "<div><p>Verdict</p><span>"
        + '<i class="fas fa-star"></i>' * 3
        + '<i class="far fa-star"></i>' * 2
        + "</span></div>"
    )
    found = find_star_ratings(root)
    assert [(r.value, r.best) for r, _ in found] == [(3, 5)] and found[0][1].tag == "span"


def test_find_star_ratings_in_a_container_only() -> None:
    root = lxml.html.document_fromstring(PAGE)
    content = root.xpath("//div[@class='entry-content']")[0]
    assert [(r.value, r.best) for r, _ in find_star_ratings(content)] == [(4.5, 5)]


def test_find_star_ratings_is_fast_on_a_long_page() -> None:
    widgets = "".join(w[1] for w in WIDGETS[:20])
    body = ("<p class='starter'>Lorem ipsum dolor sit amet, 4/5/2025, consectetur.</p>" * 300 + widgets) * 5
    root = lxml.html.document_fromstring(f"<html><body><article>{body}</article></body></html>")
    t0 = time.perf_counter()
    found = find_star_ratings(root)
    elapsed = time.perf_counter() - t0
    assert len(found) >= 20
    assert elapsed < 1.0


def test_find_star_ratings_one_per_row_in_a_box_of_rows() -> None:
    box = lxml.html.fragment_fromstring(
        '<div class="rating-box"><p>Story <span class="stars">'
        + '<i class="fa fa-star"></i>' * 4
        + '<i class="fa fa-star-o"></i></span></p><p>Acting <span class="stars">'
        + '<i class="fa fa-star"></i>' * 3
        + '<i class="fa fa-star-o"></i>' * 2
        + "</span></p></div>"
    )
    assert [(r.value, r.best) for r, _ in find_star_ratings(box)] == [(4, 5), (3, 5)]


def test_find_star_ratings_sibling_widgets_are_not_an_icon_row() -> None:
    cell = lxml.html.fragment_fromstring(
        '<td><i class="a-icon a-icon-star a-star-4"></i><i class="a-icon a-icon-star a-star-3-5"></i></td>'
    )
    assert [(r.value, r.best) for r, _ in find_star_ratings(cell)] == [(4, 5), (3.5, 5)]


def test_find_star_ratings_skips_numbered_icon_positions() -> None:
    row = lxml.html.fragment_fromstring(
        '<div><div class="stars">'
        + "".join(f'<span class="star star-{i}"></span>' for i in range(1, 6))
        + "</div></div>"
    )
    assert find_star_ratings(row) == []

"""Title, author and date cascades on page snippets modelled on real templates.

Each row is a small page in the shape a real CMS writes it (WordPress themes, Yoast's schema
graph, news templates, Blogger), with the field the extractor must read from it, or None where
the honest answer is "not stated".
"""

from __future__ import annotations

import json

import pytest

from reviewcrawl.extract import extract_review


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


PARA = "<p>" + "The film moves with a dancer's grace and a killer's economy, and it rarely stops. " * 4 + "</p>"
YOAST_GRAPH = json.dumps(
    {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Article", "@id": "https://blog.example/p/#article", "headline": "Ballerina, reviewed",
             "author": {"@id": "https://blog.example/#/schema/person/9f2"}, "datePublished": "2025-06-07T09:00:00+00:00"},
            {"@type": "Person", "@id": "https://blog.example/#/schema/person/9f2", "name": "Preston Moline"},
            {"@type": "Organization", "@id": "https://blog.example/#org", "name": "Moline Reviews"},
        ],
    }
)  # fmt: skip

TITLES = [
    pytest.param(
        page("<meta property='og:title' content='Ballerina Review: John Wick Spin-Off Dances Hard | Reel Verdict'>"
             "<meta property='og:site_name' content='Reel Verdict'>",
             "<article><h1 class='entry-title'>Ballerina review: the John Wick spin-off dances hard</h1>" + PARA
             + "</article>"),
        "Ballerina review: the John Wick spin-off dances hard",
        id="visible-h1-confirmed-by-seo-title",
    ),
    pytest.param(
        page("<title>Four Stars for Ballerina – Preston Moline</title>"
             "<meta property='og:site_name' content='Preston Moline'>",
             "<header class='site-header'><h1 class='site-title'><a href='/'>Preston Moline</a></h1></header>"
             "<article>" + PARA + "</article>"),
        "Four Stars for Ballerina",
        id="site-logo-h1-skipped-site-name-cut",
    ),
    pytest.param(
        page("<title>Lockdown: cinemas close again › kinoblog.example</title>"),
        "Lockdown: cinemas close again",
        id="domain-part-of-title-cut",
    ),
    pytest.param(
        page("<meta property='og:title' content='Sinners is the best horror film of the year'>",
             "<article><h1><span class='kicker'>Film review</span> <span>Sinners is the best horror film of the year"
             "</span></h1>" + PARA + "</article>"),
        "Sinners is the best horror film of the year",
        id="kicker-inside-h1-dropped",
    ),
    pytest.param(
        page("<title>Good article title (video) | TechCrunch</title>"
             "<meta property='og:title' content='Good article title | TechCrunch'>"),
        "Good article title",
        id="shared-suffix-is-the-site",
    ),
    pytest.param(
        page("<script type='application/ld+json'>" + json.dumps({"@context": "https://schema.org", "@graph": [
             {"@type": "Article", "headline": "Homemade Dill Pickle Recipe"},
             {"@type": "Recipe", "name": "Dill Pickle Recipe", "recipeIngredient": ["cucumbers"]}]}) + "</script>"
             "<meta property='og:title' content='Homemade Dill Pickle Recipe (Simple Fridge Technique)'>",
             "<article><h1>Homemade Dill Pickle Recipe</h1>" + PARA + "</article>"),
        "Dill Pickle Recipe",
        id="recipe-page-named-by-its-recipe",
    ),
    pytest.param(
        page("<script type='application/ld+json'>" + json.dumps({"@context": "https://schema.org",
             "@type": "Review", "name": "We tried the viral feta pasta: worth the hype",
             "itemReviewed": {"@type": "Recipe", "name": "Baked Feta Pasta"},
             "reviewRating": {"@type": "Rating", "ratingValue": 4, "bestRating": 5}}) + "</script>",
             "<article><h1>We tried the viral feta pasta: worth the hype</h1>" + PARA + "</article>"),
        "We tried the viral feta pasta: worth the hype",
        id="review-of-a-recipe-keeps-its-headline",
    ),
    pytest.param(
        page("<meta property='og:title' content='Eigentumsvorbehalt: Das sollten Käufer und Verkäufer wissen'>",
             "<article><h1 class='entry-title'><span class='entry-title__toptitle'>Forderungsausfälle vermeiden"
             "</span> Eigentumsvorbehalt: Das sollten Käufer und Verkäufer wissen</h1>" + PARA + "</article>",
             lang="de"),
        "Eigentumsvorbehalt: Das sollten Käufer und Verkäufer wissen",
        id="toptitle-span-is-a-kicker",
    ),
    pytest.param(
        page("<meta property='og:title' content='Kücknitz - So lief die Auktion der Schätzchen von St. Johannes'>",
             "<article><h1><span class='teaser-breadcrumb-headline-title'>So lief die Auktion der Schätzchen von "
             "St. Johannes</span></h1>" + PARA + "</article>", lang="de"),
        "So lief die Auktion der Schätzchen von St. Johannes",
        id="heading-whose-only-span-looks-like-a-label",
    ),
    pytest.param(
        page("<meta property='og:title' content='Benjamin Näßler: «Liebe kennt keine Pause»'>"),
        "Benjamin Näßler: «Liebe kennt keine Pause»",
        id="guillemets-quote-not-separate",
    ),
    pytest.param(
        page("<title>ゴールデンウィークにおける情報セキュリティに関する注意喚起：IPA 独立行政法人 情報処理推進機構</title>",
             "<div id='main'><h1>ゴールデンウィークにおける情報セキュリティに関する注意喚起</h1>" + PARA + "</div>",
             lang="ja"),
        "ゴールデンウィークにおける情報セキュリティに関する注意喚起",
        id="unspaced-heading-contained-in-title",
    ),
    pytest.param(
        page("<title>Rinderleber-Geschnetzeltes mit Apfel und Zwiebel | Liebe geht durch den Magen</title>",
             "<div id='header'><h1><a href='/'>Liebe geht durch den Magen</a></h1></div><div class='post'>"
             + PARA + "</div>", lang="de"),
        "Rinderleber-Geschnetzeltes mit Apfel und Zwiebel",
        id="blog-name-h1-cut-from-title",
    ),
    pytest.param(
        page("<meta property='og:title' content='Was wir über uns nicht hören wollen'>",
             "<article><h1>Was wir über uns nicht hören wollen | FASSETTE.NET</h1>" + PARA + "</article>", lang="de"),
        "Was wir über uns nicht hören wollen",
        id="domain-suffix-on-the-heading",
    ),
    pytest.param(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta property='og:title' content='Hunt for the heist crew ends in a car park'></head>"
        "<body class='single single-post content-sidebar'><div class='site-inner'><div class='content-sidebar-wrap'>"
        "<main class='content'><article class='entry'><header class='entry-header'><h1 class='entry-title'>"
        "Getaway driver caught by a rookie officer at Milan station</h1></header>" + PARA + "</article></main>"
        "<aside class='sidebar'><h2>Trending</h2></aside></div></div></body></html>",
        "Getaway driver caught by a rookie officer at Milan station",
        id="sidebar-in-the-layout-around-the-article-is-not-chrome",
    ),
    pytest.param(
        page("<meta property='og:title' content='Decanting wine: everything summed up'>",
             "<div class='content-area'><div class='post-wrap hero-contrast sidebar-off post-13 post type-post'>"
             "<div class='meta'><h1 class='entry-title'>Decanting wine: all you need to know about a special step"
             "</h1></div>" + PARA + "</div></div>"),
        "Decanting wine: all you need to know about a special step",
        id="heading-in-a-wordpress-post-container",
    ),
    pytest.param(
        page("<title>Gummibear's Reading Bag: [Review] Love at Sea - Longing by A. B. Carter</title>"
             "<meta property='og:title' content='[Review] Love at Sea - Longing by A. B. Carter'>",
             "<div class='widget Blog' id='Blog1'><div class='blog-posts hfeed'><div class='post hentry'>"
             "<h3 class='post-title entry-title'>[Review] Love at Sea - Longing by A. B. Carter</h3>" + PARA
             + "</div></div></div>"),
        "[Review] Love at Sea - Longing by A. B. Carter",
        id="blogger-post-in-the-blog-widget",
    ),
    pytest.param(
        page("<title>State pays out 2 million for wild boar culled in 2024 | MinAg</title>"
             "<meta property='og:site_name' content='State pays out 2 million for wild boar culled in 2024 | MinAg'>",
             "<div class='content'><h1>State pays out 2 million for wild boar culled in 2024</h1>" + PARA + "</div>"),
        "State pays out 2 million for wild boar culled in 2024",
        id="site-name-meta-holding-the-heading-is-no-site-name",
    ),
    pytest.param(
        page("<title>Why sad films make us feel better</title>"
             "<meta name='application-name' content='Why sad films make us feel better'>",
             "<h1>Why sad films make us feel better</h1>" + PARA),
        "Why sad films make us feel better",
        id="application-name-holding-the-heading-is-no-site-name",
    ),
    pytest.param(
        page("<meta property='og:title' content='Local elections in North Macedonia'>"
             "<title>Policy Foundation - detail</title>",
             "<div class='portlet'><h1>detail</h1></div><div class='content'><h1>Local elections in North Macedonia"
             "</h1>" + PARA + "</div>"),
        "Local elections in North Macedonia",
        id="heading-that-is-a-whole-declared-title-beats-a-part",
    ),
    pytest.param(
        page("<meta property='og:title' content='Teen raises funds for a rescued pitbull'>"
             "<title>Rondonia | Teen raises funds for a rescued pitbull | Daily Post</title>",
             "<h1>Rondonia</h1><div class='content'><h1>Teen raises funds for a rescued pitbull</h1>" + PARA + "</div>"),
        "Teen raises funds for a rescued pitbull",
        id="section-name-heading-loses-to-the-whole-title",
    ),
    pytest.param(
        page("<script type='application/ld+json'>" + json.dumps({"@context": "https://schema.org",
             "@type": "NewsArticle", "headline": "Stars demand a new streaming model"}) + "</script>"
             "<meta property='og:title' content='Pay per listener: Stars demand a new streaming model'>",
             "<header class='site-header'><nav class='breadcrumb'><ul><li><a href='/'>Home</a></li><li>"
             "<h1>Pay per listener: Stars demand a new streaming model</h1></li></ul></nav></header>"
             "<div class='story'>" + PARA + "</div>"),
        "Pay per listener: Stars demand a new streaming model",
        id="header-heading-that-is-the-whole-og-title",
    ),
    pytest.param(
        page("<meta property='og:title' content='Reelverdict Weekly'>"
             "<meta property='og:site_name' content='Reelverdict'>",
             "<div class='content'><h1>Reelverdict Weekly</h1>" + PARA + "</div>"),
        "Reelverdict Weekly",
        id="heading-like-the-site-name-but-the-whole-declared-title",
    ),
    pytest.param(
        page("<title>Workshop building competition - Birmensdorf</title>",
             "<div id='nav'><h2>Main navigation</h2></div><article><h2 class='align-left'>Project competition: new "
             "workshop building Birmensdorf</h2>" + PARA + "</article>"),
        "Project competition: new workshop building Birmensdorf",
        id="without-h1-the-article-h2-the-title-agrees-with",
    ),
    pytest.param(
        page("<meta property='og:title' content='[Review] Love at Sea - Longing by A. B. Carter'>"
             "<title>Gummibear's Reading Bag: [Review] Love at Sea - Longing by A. B. Carter</title>"),
        "[Review] Love at Sea - Longing by A. B. Carter",
        id="end-shared-with-a-title-that-only-adds-a-prefix-is-no-site-name",
    ),
    pytest.param(
        page("<meta property='og:title' content='High school playoffs: upset alerts for the second weekend'>",
             "<article><h1 class='entry-title'><div class='entry-section'><a href='/sports/preps/'>Preps | </a></div>"
             "<span class='dfm-title'>High school playoffs: upset alerts in the second weekend of postseason play"
             "</span></h1>" + PARA + "</article>"),
        "High school playoffs: upset alerts in the second weekend of postseason play",
        id="section-link-with-its-separator-opening-the-heading",
    ),
    pytest.param(
        page("<meta property='og:title' content='How it works - Open Licences'>"
             "<meta property='og:site_name' content='Open Licences'>",
             "<article class='page'><div class='section'><h1>What are Open Licences and who writes them?</h1>" + PARA + "</div>"
             "<div class='section'><h1>How do Open Licences work today?</h1>" + PARA + "</div></article>"),
        "How it works",
        id="site-name-words-in-a-heading-are-no-support",
    ),
    pytest.param(
        page("<script type='application/ld+json'>" + json.dumps({"@context": "https://schema.org",
             "@type": "BlogPosting", "headline": "Easy basic muffin recipe for beginners"}) + "</script>"
             "<title>Basic muffin recipe : Muffin Corner</title>",
             "<div id='header'><h1 class='logo'><a href='https://blog.example/' title='Muffin Corner'>Muffin Corner"
             "</a></h1></div><div class='post'><h2><a href='https://blog.example/2025/ballerina' rel='bookmark'>"
             "Basic muffin recipe</a></h2>" + PARA + "</div><div class='sidebar'><h2><a href='/2025/other/'>"
             "Chocolate muffins</a></h2></div>"),
        "Basic muffin recipe",
        id="permalink-h2-under-a-logo-h1",
    ),
    pytest.param(
        page("<title>Ballerina dances hard | Reel Verdict</title><meta property='og:site_name' content='Reel Verdict'>",
             "<div class='post'>" + PARA + "</div><aside><article class='teaser'><h1>Ten more films we loved this "
             "year</h1></article></aside>"),
        "Ballerina dances hard",
        id="teaser-article-in-an-aside-is-not-the-page",
    ),
    pytest.param(
        page("<meta property='og:title' content='Dune: Part Two review – a triumphant sequel'>",
             "<article><h1 class='entry-title'>Dune: Part Two review <span class='review-stars' "
             "aria-label='4 out of 5'>4/5</span></h1>" + PARA + "</article>"),
        "Dune: Part Two review",
        id="rating-element-inside-the-heading",
    ),
    pytest.param(
        page("<meta property='og:title' content='Dune: Part Two review – a triumphant sequel'>",
             "<article><h1>Dune: Part Two review ★★★★☆</h1>" + PARA + "</article>"),
        "Dune: Part Two review",
        id="star-glyphs-in-the-heading",
    ),
    pytest.param(
        page("<meta property='og:title' content='Firefighters bring Australia&amp;#039;s &amp;quot;megablaze&amp;quot;"
             " under control'>"),
        "Firefighters bring Australia's \"megablaze\" under control",
        id="entities-escaped-twice-in-the-meta",
    ),
    pytest.param(
        page("<meta property='og:title' content='Bus evacuated on Route 36 after an engine fire'>",
             "<div class='links-notes'><a href='/register'><h1>Dear reader, thank you very much for your interest in "
             "our stories. We have introduced registration so that we can improve the information we offer you "
             "according to your interests. For more information click here</h1></a></div>" + PARA),
        "Bus evacuated on Route 36 after an engine fire",
        id="paragraph-long-lone-heading-is-no-headline",
    ),
    pytest.param(
        page("<meta property='og:title' content='Sony and Kioxia hit by the export ban'>",
             "<div id='msg'><a href='/money/story/12735/4907665'><h1>Weekly: markets brace for a volatile autumn 19:20"
             "</h1></a></div><div class='story'>" + PARA + "</div>"),
        "Sony and Kioxia hit by the export ban",
        id="lone-heading-linking-to-another-story",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("html", "expected"), TITLES)
def test_title(html: str, expected: str | None) -> None:
    assert extract_review(html, "https://blog.example/2025/ballerina/").title == expected


AUTHORS = [
    pytest.param(
        page(f"<script type='application/ld+json'>{YOAST_GRAPH}</script>", "<article><h1>Ballerina</h1>" + PARA
             + "</article>"),
        "Preston Moline",
        id="yoast-graph-author-by-id",
    ),
    pytest.param(
        page("", "<article><h1>Ballerina</h1><div class='entry-meta'><span class='byline'>By "
             "<a rel='author' href='/author/jane/'>Jane Doe</a></span></div>" + PARA + "</article>"
             "<aside class='sidebar'><div class='widget'><span class='byline'>By Other Writer</span></div></aside>"),
        "Jane Doe",
        id="byline-in-article-not-sidebar",
    ),
    pytest.param(
        page("", "<article><footer class='entry-footer'><div class='posted-by'><span class='byline'>By "
             "<a href='/author/hp/' rel='author'>@headphonesthoughts</a></span></div></footer>" + PARA + "</article>"),
        "headphonesthoughts",
        id="wordpress-article-footer-byline",
    ),
    pytest.param(
        page("", "<article><h1>Ballerina</h1><p>Directed by Len Wiseman and starring Ana de Armas.</p>" + PARA
             + "</article>"),
        None,
        id="director-is-no-reviewer",
    ),
    pytest.param(
        page("", "<article><h1>Woman follows a stranger</h1><div class='article_meta_info'>yas! | By Cara Stiles | "
             "April 13, 2020</div>" + PARA + "</article>"),
        "Cara Stiles",
        id="by-segment-of-a-meta-line",
    ),
    pytest.param(
        page("<meta name='author' content='Deutsches Weininstitut GmbH'>", "<article><h1>Riesling</h1>" + PARA
             + "</article>"),
        None,
        id="company-is-no-reviewer",
    ),
    pytest.param(
        page("", "<article><h1>Harbour</h1><figure><figcaption class='author'>Photo: Getty Images</figcaption>"
             "</figure>" + PARA + "</article>"),
        None,
        id="photo-credit-is-no-byline",
    ),
    pytest.param(
        page("", "<article><h1>Dragkings</h1><p class='author'>Veröffentlicht von Chris Jung</p>" + PARA
             + "</article>", lang="de"),
        "Chris Jung",
        id="german-posted-by-prefix",
    ),
    pytest.param(
        page("<script type='application/ld+json'>" + YOAST_GRAPH.replace('"Person"', '["Person", "Organization"]')
             + "</script>", "<article><h1>Ballerina</h1>" + PARA + "</article>"),
        "Preston Moline",
        id="yoast-personal-site-person-and-organization",
    ),
    pytest.param(
        page("<script type='application/ld+json'>" + YOAST_GRAPH.replace("Preston Moline", "Redaktion")
             + "</script>", "<article><h1>Ballerina</h1>" + PARA + "</article>", lang="de"),
        "Redaktion",
        id="newsroom-named-in-the-author-field",
    ),
    pytest.param(
        page("", "<article><h1>Ballerina</h1><div class='author'>Redaktion</div>" + PARA + "</article>", lang="de"),
        None,
        id="newsroom-in-the-text-is-no-name",
    ),
    pytest.param(
        page("<meta name='author' value='Condé Nast'><meta name='copyright' value='Copyright (c) Condé Nast 2022'>",
             "<article><header><h1>Lust for Youth</h1></header><div class='BylinesWrapper'><span>By</span> "
             "<a href='/staff/larry-fitzmaurice/'>Larry Fitzmaurice</a></div>" + PARA + "</article>"),
        "Larry Fitzmaurice",
        id="copyright-holder-in-author-meta-is-the-publisher",
    ),
    pytest.param(
        page("<meta name='twitter:label1' content='Written by'><meta name='twitter:data1' content='Ellyn Shook'>",
             "<article><h1>Work in progress</h1>" + PARA + "</article>"),
        "Ellyn Shook",
        id="yoast-twitter-written-by-label",
    ),
    pytest.param(
        page("<meta name='article:author' content='https://news.example/about/editors/jon-fingas/'>",
             "<article><h1>Phones</h1><div class='meta'><a href='https://news.example/about/editors/jon-fingas/'>"
             "Jon Fingas</a></div>" + PARA + "</article>"),
        "Jon Fingas",
        id="author-meta-is-a-profile-url-named-by-its-link",
    ),
    pytest.param(
        page("", "<article><div><div><div><header><h1>Feminist compliments</h1></header></div></div>"
             "<div><div><span>By </span><a href='/profile/teresa-newsome-1910837'>Teresa Newsome</a></div>"
             "<time datetime='2016-12-02T18:28:24Z'>Dec. 2, 2016</time></div></div>" + PARA + "</article>"),
        "Teresa Newsome",
        id="by-label-in-its-own-span",
    ),
    pytest.param(
        page("", "<article><div><div><div><div><div><header><h1>Aus der Region</h1></header></div></div></div></div>"
             "</div><div class='entry-content'>" + PARA * 5 + "<p><em>Von <span itemscope "
             "itemtype='http://schema.org/Person'>Cosima Künzel</span></em></p></div></article>", lang="de"),
        "Cosima Künzel",
        id="signature-line-closing-the-article",
    ),
    pytest.param(
        page("", "<article><h1>Rally</h1><p class='byline'>December 15, 2016 3:33 PM ET Rebecca Hersher Twitter</p>"
             + PARA + "</article>"),
        "Rebecca Hersher",
        id="date-and-time-before-the-name",
    ),
    pytest.param(
        page("<meta name='author' content='Gillman, Steve'>", "<article><h1>Save money</h1>" + PARA + "</article>"),
        "Steve Gillman",
        id="surname-first-in-author-meta",
    ),
    pytest.param(
        page("<script type='application/ld+json'>" + YOAST_GRAPH.replace("Preston Moline", "Jennifer") + "</script>",
             "<article><h1>Ballerina</h1><p class='author'>By Jenn Segal</p>" + PARA + "</article>"),
        "Jenn Segal",
        id="first-name-in-schema-whole-name-in-byline",
    ),
    pytest.param(
        page("", "<article><h1>Autokredit</h1><h3>Von Barzahler-Rabatten profitieren</h3>" + PARA + "</article>",
             lang="de"),
        None,
        id="von-opening-a-subheading-is-no-byline",
    ),
    pytest.param(
        page("<meta property='og:site_name' content='Giromatch'>"
             "<meta name='author' content='GIROMATCH, Frankfurt a. M., Germany'>",
             "<article><h1>Kredit</h1>" + PARA + "</article>", lang="de"),
        None,
        id="site-name-and-address-in-author-meta",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("html", "expected"), AUTHORS)
def test_author(html: str, expected: str | None) -> None:
    assert extract_review(html, "https://blog.example/ballerina/").author == expected


DATES = [
    pytest.param(
        page("", "<article><h1>Ballerina</h1><time class='entry-date published' datetime='2025-06-07T09:00:00+00:00'>"
             "June 7, 2025</time>" + PARA + "</article>"),
        "2025-06-07",
        id="wordpress-time-element",
    ),
    pytest.param(
        page("", "<article><h1>Gottesdienste</h1><div class='meta-date'>19.11.2021</div>" + PARA + "</article>",
             lang="de"),
        "2021-11-19",
        id="dotted-date-day-first",
    ),
    pytest.param(
        page("", "<article><h1>Stollen</h1><p class='entry-meta'>Veröffentlicht am 8. November 2021</p>" + PARA
             + "</article>", lang="de"),
        "2021-11-08",
        id="german-month-name",
    ),
    pytest.param(
        page("", "<div class='date-outer'><h2 class='date-header'><span>Samstag, 5. Oktober 2013</span></h2>"
             "<div class='post'><h3 class='post-title'>Interview</h3>" + PARA + "</div></div>", lang="de"),
        "2013-10-05",
        id="blogger-date-header",
    ),
    pytest.param(
        page("", "<article><h1>Ballerina</h1><p>A stellar 8.8/10 rating and 9/10 for the action.</p>" + PARA
             + "</article>"),
        None,
        id="ratings-are-no-dates",
    ),
    pytest.param(
        page("", "<article><h1>Ballerina</h1><span class='posted-on'>Posted on June 7, 2025</span>" + PARA
             + "</article><section id='comments' class='comments'><ol class='comment-list'><li>"
             "<time class='comment-date' datetime='2025-07-01T10:00:00Z'>July 1, 2025</time> Great review!</li></ol>"
             "</section>"),
        "2025-06-07",
        id="byline-date-beats-comment-date",
    ),
    pytest.param(
        page("", "<article><h1>Ballerina</h1>" + PARA + "</article>"),
        None,
        id="no-date-stated",
    ),
    pytest.param(
        page("", "<div id='head'><div id='navwrap'><div class='navtop'><span class='mod_datetime'>Mittwoch, "
             "01. November 2023</span></div></div></div><main><div class='page'><h1>Queer Royal</h1>"
             "<div class='entry-meta'>31. Oktober 2023</div>" + PARA + "</div></main>", lang="de"),
        "2023-10-31",
        id="todays-date-in-the-navigation-bar",
    ),
    pytest.param(
        page("", "<div id='wrap'><div class='post'><h2>Was ist Freie Software</h2><p class='author'>von r23 "
             "» 21.01.2009, 05:42</p>" + PARA + "</div><div id='page-footer'><p class='responsive-center time'>"
             "Aktuelle Zeit: 14.10.2020, 12:18</p></div></div>", lang="de"),
        "2009-01-21",
        id="forum-post-date-not-the-footer-clock",
    ),
    pytest.param(
        page("", "<article><header><h1>Schöne Pferde</h1>" + PARA * 5 + "</header><div class='single-author'>"
             "<p class='single-dachzeile author'><em>von</em><span>Fred Hüning</span> <em>31.10.2023</em></p>"
             "</div>" + PARA + "</article>", lang="de"),
        "2023-10-31",
        id="date-in-the-byline",
    ),
    pytest.param(
        page("", "<div class='main section'><div class='widget Blog'><div class='post hentry'>"
             "<h3 class='post-title'>Rezi: Love is War</h3>" + PARA + "<div class='post-footer'>"
             "<span class='post-timestamp'><a class='timestamp-link'><abbr class='published' "
             "itemprop='datePublished' title='2017-09-09T10:52:00+02:00'>10:52</abbr></a></span></div></div>"
             "</div></div>", lang="de"),
        "2017-09-09",
        id="blogger-abbr-title-in-the-blog-widget",
    ),
    pytest.param(
        page("", "<article class='content'><h1>Coronavirus</h1>" + PARA * 5 + "<div class='row'><aside class='columns'>"
             "<ul class='content__meta'><li>26.02.2020</li></ul></aside>" + PARA + "</div></article>", lang="de"),
        "2020-02-26",
        id="meta-column-aside-inside-the-article",
    ),
    pytest.param(
        page("<meta property='article:published_time' content='2017-04-12T18:33:59+02:00'>",
             "<article itemscope itemtype='https://schema.org/Article'><h1>Intestin</h1>"
             "<meta itemprop='datePublished' content='2020-02-19'>" + PARA + "</article><div class='comment-list'>"
             "<article class='comment' itemscope itemtype='https://schema.org/Review'>"
             "<meta itemprop='datePublished' content='2019-02-12'><p itemprop='reviewBody'>Merci !</p></article></div>",
             lang="fr"),
        "2017-04-12",
        id="head-meta-before-microdata-of-a-comment",
    ),
    pytest.param(
        page("", "<div itemscope itemtype='https://schema.org/Product'><h1 itemprop='name'>Ferienhaus Feinen</h1>"
             + PARA + "".join(f"<div class='rating-box' itemprop='review' itemscope itemtype='https://schema.org/Review'>"
             f"<meta itemprop='datePublished' content='{d}'><p itemprop='reviewBody'>Schön!</p></div>"
             for d in ("2018-05-23", "2017-10-17")) + "</div>", lang="de"),
        None,
        id="dates-of-readers-reviews-in-meta-elements",
    ),
    pytest.param(
        page("", "<div itemscope itemtype='https://schema.org/Product'><h1 itemprop='name'>Kleintierstall</h1>"
             + PARA + "".join(f"<div class='row' itemprop='review' itemscope itemtype='https://schema.org/Review'>"
             f"<span itemprop='datePublished' content='{d}'></span><p itemprop='reviewBody'>Gut.</p></div>"
             for d in ("2020-06-08 00:00:00", "2010-07-15 12:53:35")) + "</div>", lang="de"),
        None,
        id="dates-of-readers-reviews-in-spans",
    ),
    pytest.param(
        page("<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"headline\": \"Playoffs\", "
             "\"datePublished\": \"2023-11-09T01:09:55Z\"}</script>",
             "<article><h1>Playoffs</h1><div class='meta'><div class='time'><time datetime='2023-11-08 18:09:55'>"
             "November 8, 2023 at 6:09 p.m.</time></div></div>" + PARA + "</article>"),
        "2023-11-08",
        id="the-day-shown-not-the-utc-day-declared",
    ),
    pytest.param(
        page("<meta name='date' content='2021-12-20T11:02:44+01:00'>",
             "<article><h2>Rieslingbirthday</h2><div class='row'><span class='date'>27.01.2022</span></div>" + PARA
             + "</article>", lang="de"),
        "2022-01-27",
        id="the-day-shown-not-a-stale-meta-date",
    ),
    pytest.param(
        page("", "<main><article><header><h1>Les grenades</h1><div class='time'><time datetime='2019-07-03T10:18:46Z'>"
             "Publié le 29 juin 2019</time></div></header>" + PARA + "</article></main>", lang="fr"),
        "2019-06-29",
        id="time-element-text-beats-its-datetime",
    ),
    pytest.param(
        page("", "<div class='post hentry'><h2>Kein Cyberterrorismus</h2><div class='entry'>" + PARA * 5
             + "<p class='postmetadata alt'><small>Dieser Beitrag wurde am Samstag, 3. Dezember 2011 um 10:12 Uhr "
             "veröffentlicht und unter Cybercrime, Cyberterrorismus abgelegt. Du kannst die Kommentare zu diesem "
             "Eintrag durch den RSS-Feed verfolgen. Du kannst einen Kommentar schreiben.</small></p></div></div>",
             lang="de"),
        "2011-12-03",
        id="opening-of-a-long-post-meta-line",
    ),
    pytest.param(
        page("", "<div id='content'><div class='post'><h2>Geknipstes</h2>" + PARA * 5 + "<div class='datum'>"
             "<span class='monat'>Feb 18</span><span class='jahr'>2009</span></div></div></div>", lang="de"),
        "2009-02-18",
        id="date-split-across-spans",
    ),
    pytest.param(
        page("<meta name='date' content='11/01/2023 12:43:42'>", "<article><h1>Trinkwasser belastet</h1>" + PARA
             + "</article>", lang="de"),
        "2023-11-01",
        id="meta-date-time-in-invariant-format-is-month-first",
    ),
    pytest.param(
        page("<meta property='og:updated_time' content='2022-01-28T11:05:37+0100'>",
             "<main><h1>Forschungsprojekt KI</h1>" + PARA + "</main>", lang="de"),
        "2022-01-28",
        id="only-a-modified-date-declared",
    ),
    pytest.param(
        page("<meta property='photo:uploaded' content='2013-02-16T04:36:36-05:00'>"
             "<meta property='photo:updated' content='2014-01-01T10:00:00-05:00'>",
             "<main><h1>Spring in China</h1>" + PARA + "</main>"),
        "2013-02-16",
        id="a-sites-own-published-meta",
    ),
    pytest.param(
        page("<title>SibenLab: privacy policy</title>",
             "<header><div class='header section' id='header'><div class='widget Header' id='Header1'>"
             "<div class='titlewrapper'><h1 class='title'>privacy policy</h1></div></div></div></header>"
             "<div class='main section' id='main'><div class='widget Blog' id='Blog1'><div class='blog-posts hfeed'>"
             "<div class='date-outer'><h2 class='date-header'><span>mardi 5 juin 2018</span></h2>"
             "<div class='post hentry'><div class='post-body entry-content'>" + PARA + "</div></div></div></div></div>"
             "</div><div class='sidebar section'><div class='widget BlogArchive'><ul><li class='archivedate'>"
             "<span class='post-count'>2017-01-01</span></li></ul></div></div>", lang="fr"),
        "2018-06-05",
        id="blogger-posts-widget-under-a-masthead-heading",
    ),
    pytest.param(
        page("", "<div class='wrapper'><header><div class='container'><div class='new_text'><span class='date'>"
             "Tue, 14 Jan 2020</span></div></div></header><h1>Megablaze brought under control</h1>"
             "<p class='byline'>Big News Network · 13 Jan 2020, 22:11 GMT+10</p><div class='story'>" + PARA
             + "</div></div>"),
        "2020-01-13",
        id="page-header-date-beside-the-article",
    ),
    pytest.param(
        page("", "<article><h1>Uberspace</h1>" + PARA * 5 + "<footer class='entry-footer'>Veröffentlicht am "
             "<time class='entry-date published updated' datetime='2016-02-28T22:37:52+01:00'>28. Februar 2016"
             "</time></footer></article>", lang="de"),
        "2016-02-28",
        id="wordpress-time-published-and-updated",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("html", "expected"), DATES)
def test_date_published(html: str, expected: str | None) -> None:
    got = extract_review(html, "https://blog.example/ballerina/").date_published
    assert (got[:10] if got else None) == expected


# a page that states no date: the URL's path may spell one out
URL_DATES = [
    pytest.param("https://news.example/20200428/meet-the-swede/", "2020-04-28", id="compact-date-folder"),
    pytest.param("https://verein.example/media-news/meldungen/29-10-2021", "2021-10-29", id="day-first-last-segment"),
]


@pytest.mark.parametrize(("url", "expected"), URL_DATES)
def test_url_date(url: str, expected: str | None) -> None:
    got = extract_review(page("", "<article><h1>Ballerina</h1>" + PARA + "</article>"), url).date_published
    assert (got[:10] if got else None) == expected


SCORE_BOX = (
    "<article><header><h1>Lust for Youth: Lust for Youth</h1><div class='ScoreBoxWrapper-crlYGj'>"
    "<div class='ScoreCircle-cIQIJH'><p class='BaseText-fETRLB Rating-cJfxuJ'>{score}</p></div></div></header>"
    + PARA
    + "</article>"
)
BARE_SCORES = [
    pytest.param(
        page("<meta name='og:type' value='website'><title>Lust for Youth Album Review | Pitchfork</title>",
             SCORE_BOX.format(score="6.2")),
        "https://music.example/reviews/albums/lust-for-youth/",
        (6.2, 10.0),
        id="tenths-in-a-rating-element-of-a-review",
    ),
    pytest.param(
        page("<title>Lust for Youth live in Copenhagen</title>", SCORE_BOX.format(score="6.2")),
        "https://music.example/news/lust-for-youth-live/",
        None,
        id="same-markup-on-a-page-that-is-no-review",
    ),
    pytest.param(
        page("<title>Lust for Youth Album Review</title>",
             SCORE_BOX.format(score="6.2").replace("</article>", "<div class='score'>8.1</div></article>")),
        "https://music.example/reviews/albums/lust-for-youth/",
        None,
        id="two-different-bare-scores",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("html", "url", "expected"), BARE_SCORES)
def test_bare_score(html: str, url: str, expected: tuple[float, float] | None) -> None:
    rating = extract_review(html, url).rating
    assert (rating and (rating.value, rating.best)) == (expected or None)


RDFA_REVIEW = page(
    "<title>Ballerina review | Reel Verdict</title>",
    "<div vocab='https://schema.org/' typeof='Review'>"
    "<h1 property='name'>Ballerina review: a spin-off that dances hard</h1>"
    "<p>By <span property='author' typeof='Person'><span property='name'>Preston Moline</span></span>, "
    "<time property='datePublished' datetime='2025-06-07'>June 7, 2025</time></p>"
    "<div property='itemReviewed' typeof='Movie'><span property='name'>Ballerina</span></div>"
    "<div property='reviewRating' typeof='Rating'><meta property='worstRating' content='1'>"
    "<span property='ratingValue'>4</span> out of <span property='bestRating'>5</span></div>"
    "<div property='reviewBody'>" + PARA + "</div></div>",
)


def test_rdfa_lite_review() -> None:
    out = extract_review(RDFA_REVIEW, "https://reelverdict.example/ballerina-review/")
    assert (out.author, out.date_published[:10], out.rating.value, out.rating.best) == (
        "Preston Moline",
        "2025-06-07",
        4.0,
        5.0,
    )
    assert out.sources["rating"] == "microdata"
    assert out.item_reviewed["name"] == "Ballerina"

#!/usr/bin/env python3
"""Build the bundled sample review sites (reviewcrawl/demo/sites/) from reviewcrawl/demo/content/.

The output is committed, like a static site's build: the crawler and the tests read the HTML,
never this script. Run it again after editing the content:  python tools/build_demo_sites.py

Four sites, each in the markup its platform really produces:
  prestonmoline.example       Jekyll + jekyll-seo-tag + jekyll-feed + jekyll-sitemap (seed 000)
  reelverdict.example         WordPress SEO review site: Yoast-style @graph + Review JSON-LD (seed 001)
  headphonesthoughts.example  WordPress personal blog, rating only in the text (seed 002)
  reviewroundup.example       an aggregator republishing all three with its own boilerplate
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import tomllib
import zlib
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "reviewcrawl" / "demo" / "content"
OUT = ROOT / "reviewcrawl" / "demo" / "sites"
e = html.escape


def write(host: str, path: str, text: str) -> None:
    target = OUT / host / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def paragraphs_md(md: str) -> str:
    """kramdown's output for the seed's Markdown: paragraphs, **strong**."""
    out = []
    for block in re.split(r"\n\s*\n", md.strip()):
        block = block.strip()
        if not block:
            continue
        inner = e(block, quote=False)
        inner = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", inner)
        out.append(f"<p>{inner}</p>")
    return "\n\n".join(out)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def rfc822(d: dt.datetime) -> str:
    return format_datetime(d)


def sitemap(urls: list[tuple[str, str | None]]) -> str:
    rows = "\n".join(f"<url><loc>{e(u)}</loc>" + (f"<lastmod>{m}</lastmod>" if m else "") + "</url>" for u, m in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "\n</urlset>\n"
    )


def load_own() -> list[dict]:
    return tomllib.loads((CONTENT / "own-reviews.toml").read_text(encoding="utf-8"))["review"]


# --- prestonmoline.example: Jekyll --------------------------------------------------------------

JEKYLL = "prestonmoline.example"
JBASE = f"http://{JEKYLL}"


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    _, fm, body = text.split("---", 2)
    meta = {}
    for line in fm.strip().splitlines():
        k, _, v = line.partition(":")
        meta[k.strip()] = v.strip()
    return meta, body


def jekyll_layout(title: str, head: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">

<head>

  <meta charset="utf-8">
  <meta http-equiv="X-UA-Compatible" content="IE=edge">
  <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">

{head}
  <link rel="stylesheet" href="/assets/vendor/bootstrap/css/bootstrap.min.css">
  <link rel="stylesheet" href="/assets/main.css">
  <link type="application/atom+xml" rel="alternate" href="{JBASE}/feed.xml" title="Preston Moline" />

</head>

<body>

  <!-- Navigation -->
<nav class="navbar navbar-expand-lg navbar-light fixed-top" id="mainNav">
  <div class="container">
    <a class="navbar-brand" href="/">Preston Moline</a>
    <button class="navbar-toggler navbar-toggler-right" type="button" data-toggle="collapse" data-target="#navbarResponsive" aria-controls="navbarResponsive" aria-expanded="false" aria-label="Toggle navigation">
      Menu
      <i class="fa fa-bars"></i>
    </button>
    <div class="collapse navbar-collapse" id="navbarResponsive">
      <ul class="navbar-nav ml-auto">
        <li class="nav-item"><a class="nav-link" href="/">Home</a></li>
        <li class="nav-item"><a class="nav-link" href="/about/">About</a></li>
        <li class="nav-item"><a class="nav-link" href="/category/movie/">Movies</a></li>
        <li class="nav-item"><a class="nav-link" href="/contact/">Contact</a></li>
      </ul>
    </div>
  </div>
</nav>

{body}

  <!-- Footer -->

<hr>

<footer>
  <div class="container">
    <div class="row">
      <div class="col-lg-8 col-md-10 mx-auto">
        <ul class="list-inline text-center">
          <li class="list-inline-item"><a href="/feed.xml"><span class="fa-stack fa-lg"><i class="fas fa-rss fa-stack-1x fa-inverse"></i></span></a></li>
        </ul>
        <p class="copyright text-muted">Copyright &copy; Preston Moline 2025</p>
      </div>
    </div>
  </div>
</footer>

  <script src="/assets/vendor/jquery/jquery.min.js"></script>
  <script src="/assets/scripts.js"></script>

</body>

</html>
"""


def seo_tag(title: str, page_title: str, author: str | None, description: str, url: str, image: str | None,
            date: dt.datetime | None, og_type: str, ld_type: str) -> str:  # fmt: skip
    lines = [
        "  <!-- Begin Jekyll SEO tag v2.8.0 -->",
        f"<title>{e(page_title)}</title>",
        '<meta name="generator" content="Jekyll v4.3.3" />',
        f'<meta property="og:title" content="{e(title)}" />',
    ]
    if author:
        lines.append(f'<meta name="author" content="{e(author)}" />')
    lines += [
        '<meta property="og:locale" content="en_US" />',
        f'<meta name="description" content="{e(description)}" />',
        f'<meta property="og:description" content="{e(description)}" />',
        f'<link rel="canonical" href="{url}" />',
        f'<meta property="og:url" content="{url}" />',
        '<meta property="og:site_name" content="Preston Moline" />',
    ]
    if image:
        lines.append(f'<meta property="og:image" content="{JBASE}{image}" />')
    lines.append(f'<meta property="og:type" content="{og_type}" />')
    ld: dict = {"@context": "https://schema.org", "@type": ld_type}
    if date:
        iso = date.isoformat()
        lines.append(f'<meta property="article:published_time" content="{iso}" />')
    lines.append('<meta name="twitter:card" content="summary_large_image" />')
    if image:
        lines.append(f'<meta property="twitter:image" content="{JBASE}{image}" />')
    lines.append(f'<meta property="twitter:title" content="{e(title)}" />')
    if author:
        ld["author"] = {"@type": "Person", "name": author}
    if date:
        ld["dateModified"] = date.isoformat()
        ld["datePublished"] = date.isoformat()
    ld["description"] = description
    ld["headline"] = title
    if image:
        ld["image"] = f"{JBASE}{image}"
    if ld_type == "BlogPosting":
        ld["mainEntityOfPage"] = {"@type": "WebPage", "@id": url}
    ld["url"] = url
    lines.append(
        f'<script type="application/ld+json">\n{json.dumps(ld, ensure_ascii=False, separators=(",", ":"))}</script>'
    )
    lines.append("<!-- End Jekyll SEO tag -->\n")
    return "\n".join(lines)


def build_jekyll(own: list[dict]) -> list[dict]:
    meta, body = parse_front_matter((CONTENT / "seed-000-ballerina-jekyll.md").read_text(encoding="utf-8"))
    posts = [
        {
            "title": meta["title"], "subtitle": meta["subtitle"], "description": meta["description"],
            "date": dt.datetime.fromisoformat(meta["date"]).replace(tzinfo=dt.UTC),
            "image": meta["image"], "wide": meta["optimized_image"], "author": meta["author"],
            "slug": slugify(meta["title"]), "body_md": body,
        }
    ]  # fmt: skip
    for r in own:
        if r["site"] != "prestonmoline":
            continue
        md = r["body"].strip() + f"\n\n**Rating:**\n{r['rating']}\n"
        posts.append(
            {
                "title": r["title"], "subtitle": r["subtitle"], "description": f"{r['title']} Movie Review",
                "date": dt.datetime.fromisoformat(r["date"]).replace(tzinfo=dt.UTC),
                "image": f"/assets/img/uploads/{r['slug']}.jpg", "wide": f"/assets/img/uploads/{r['slug']}-wide.jpg",
                "author": "prestonmoline", "slug": r["slug"], "body_md": "**Review:**\n" + md,
            }
        )  # fmt: skip
    posts.sort(key=lambda p: p["date"], reverse=True)
    for i, p in enumerate(posts):
        p["path"] = p["date"].strftime("/%Y/%m/%d/") + p["slug"] + ".html"
        p["url"] = JBASE + p["path"]
        words = len(re.findall(r"\w+", p["body_md"]))
        p["html"] = paragraphs_md(p["body_md"])
        prev_link = ""
        if i + 1 < len(posts):
            q = posts[i + 1]
            prev_link = f'<a class="btn btn-primary float-left" href="{q["date"].strftime("/%Y/%m/%d/")}{q["slug"]}.html" data-toggle="tooltip" data-placement="top" title="{e(q["title"])}">&larr; Previous<span class="d-none d-md-inline"> Post</span></a>'
        head = seo_tag(
            p["title"],
            f"{p['title']} | Preston Moline",
            p["author"],
            p["description"],
            p["url"],
            p["image"],
            p["date"],
            "article",
            "BlogPosting",
        )
        page = f"""  <!-- Page Header -->

<header class="masthead" style="background-image: url('{p["wide"]}')">

    <div class="overlay"></div>
    <div class="container">
      <div class="row">
        <div class="col-lg-8 col-md-10 mx-auto">
          <div class="post-heading">
            <h1>{e(p["title"])}</h1>
            <h2 class="subheading">{e(p["subtitle"])}</h2>
            <span class="meta">Posted by
              <a href="#">{e(p["author"])}</a>
              on {p["date"].strftime("%B %-d, %Y")} &middot; <span class="reading-time" title="Estimated read time">
  {max(1, words // 200)} mins  read </span>

            </span>
          </div>
        </div>
      </div>
    </div>
  </header>

  <div class="container">
    <div class="row">
      <div class="col-lg-8 col-md-10 mx-auto">

        {p["html"]}

        <hr>

        <div class="clearfix">

          {prev_link}

        </div>

      </div>
    </div>
  </div>
"""
        write(JEKYLL, p["path"], jekyll_layout(p["title"], head, page))

    previews = "\n".join(
        f"""<article class="post-preview">
    <a href="{p["path"]}">
      <h2 class="post-title">{e(p["title"])}</h2>
      <h3 class="post-subtitle">{e(p["subtitle"])}</h3>
    </a>
    <p class="post-meta">Posted by {e(p["author"])} on {p["date"].strftime("%B %-d, %Y")} &middot; <span class="reading-time" title="Estimated read time">4 mins read</span></p>
  </article>
  <hr>"""
        for p in posts
    )
    home_head = seo_tag(
        "Preston Moline",
        "Preston Moline | Movie reviews, mostly",
        None,
        "Movie reviews, mostly.",
        JBASE + "/",
        None,
        None,
        "website",
        "WebSite",
    )
    listing = f"""<header class="masthead" style="background-image: url('/assets/img/home-bg.jpg')">
    <div class="overlay"></div>
    <div class="container"><div class="row"><div class="col-lg-8 col-md-10 mx-auto">
      <div class="site-heading"><h1>Preston Moline</h1><span class="subheading">Movie reviews, mostly</span></div>
    </div></div></div>
  </header>
  <div class="container"><div class="row"><div class="col-lg-8 col-md-10 mx-auto">
  {previews}
  <div class="clearfix"></div>
  </div></div></div>
"""
    write(JEKYLL, "/", jekyll_layout("Preston Moline", home_head, listing))
    cat_head = seo_tag(
        "Movie",
        "Movie | Preston Moline",
        None,
        "Movie reviews, mostly.",
        JBASE + "/category/movie/",
        None,
        None,
        "website",
        "WebPage",
    )
    write(
        JEKYLL,
        "/category/movie/",
        jekyll_layout("Movie", cat_head, listing.replace("<h1>Preston Moline</h1>", "<h1>Category: Movie</h1>")),
    )
    about_head = seo_tag(
        "About Me",
        "About Me | Preston Moline",
        None,
        "Who writes these reviews.",
        JBASE + "/about/",
        None,
        None,
        "website",
        "WebPage",
    )
    write(
        JEKYLL,
        "/about/",
        jekyll_layout(
            "About Me",
            about_head,
            """<header class="masthead"><div class="container"><div class="page-heading"><h1>About Me</h1><span class="subheading">This is what I do.</span></div></div></header>
  <div class="container"><div class="row"><div class="col-lg-8 col-md-10 mx-auto">
  <p>I'm Preston. I watch a lot of movies and write about the ones I can't stop thinking about. Most of my reviews end with a rating out of five; a 4/5 means I would happily see it again.</p>
  <p>I post a new review most weekends. The best way to follow along is the RSS feed.</p>
  <p>Start with <a href="/ballerina/">my Ballerina review</a>, or my <a href="/2024/12/31/best-of-2024.html">best of 2024</a> list.</p>
  </div></div></div>""",
        ),
    )
    contact_head = seo_tag(
        "Contact Me",
        "Contact Me | Preston Moline",
        None,
        "Get in touch.",
        JBASE + "/contact/",
        None,
        None,
        "website",
        "WebPage",
    )
    write(
        JEKYLL,
        "/contact/",
        jekyll_layout(
            "Contact Me",
            contact_head,
            """<header class="masthead"><div class="container"><div class="page-heading"><h1>Contact Me</h1><span class="subheading">Have questions? I have answers.</span></div></div></header>
  <div class="container"><div class="row"><div class="col-lg-8 col-md-10 mx-auto">
  <p>Want to get in touch? Fill out the form below to send me a message and I will get back to you as soon as possible!</p>
  <form name="sentMessage" id="contactForm" action="https://formspree.io/f/example" method="POST" novalidate>
    <div class="control-group"><div class="form-group floating-label-form-group controls"><label>Name</label><input type="text" class="form-control" placeholder="Name" id="name" name="name" required></div></div>
    <div class="control-group"><div class="form-group floating-label-form-group controls"><label>Message</label><textarea rows="5" class="form-control" placeholder="Message" id="message" name="message" required></textarea></div></div>
    <button type="submit" class="btn btn-primary" id="sendMessageButton">Send</button>
  </form>
  </div></div></div>""",
        ),
    )
    write(
        JEKYLL,
        "/404.html",
        jekyll_layout(
            "404",
            seo_tag(
                "Page Not Found",
                "Page Not Found | Preston Moline",
                None,
                "Movie reviews, mostly.",
                JBASE + "/404.html",
                None,
                None,
                "website",
                "WebPage",
            ),
            """<div class="container"><h1>404</h1><p>Page not found :(</p><p>The requested page could not be found.</p></div>""",
        ),
    )

    updated = max(p["date"] for p in posts).isoformat()
    entries = "\n".join(
        f"""<entry><title type="html">{e(p["title"])}</title><link href="{p["url"]}" rel="alternate" type="text/html" title="{e(p["title"])}" /><published>{p["date"].isoformat()}</published><updated>{p["date"].isoformat()}</updated><id>{p["url"]}</id><content type="html" xml:base="{p["url"]}">{e(p["html"])}</content><author><name>{e(p["author"])}</name></author><category term="Movie" /><summary type="html">{e(p["description"])}</summary></entry>"""
        for p in posts
    )
    write(
        JEKYLL,
        "/feed.xml",
        f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" ><generator uri="https://jekyllrb.com/" version="4.3.3">Jekyll</generator><link href="{JBASE}/feed.xml" rel="self" type="application/atom+xml" /><link href="{JBASE}/" rel="alternate" type="text/html" /><updated>{updated}</updated><id>{JBASE}/feed.xml</id><title type="html">Preston Moline</title><subtitle>Movie reviews, mostly.</subtitle>{entries}</feed>
""",
    )
    write(
        JEKYLL,
        "/sitemap.xml",
        sitemap(
            [(p["url"], p["date"].isoformat()) for p in posts]
            + [(JBASE + x, None) for x in ("/", "/about/", "/contact/", "/category/movie/")]
        ),
    )
    write(JEKYLL, "/robots.txt", f"Sitemap: {JBASE}/sitemap.xml\n")
    write(JEKYLL, "/_redirects", "# Netlify redirects\n/ballerina/  /2025/06/07/ballerina.html  301\n/blog/*  /  301\n")
    return posts


# --- reelverdict.example: WordPress SEO review site ------------------------------------------

SEO = "reelverdict.example"
SBASE = f"http://{SEO}"


def seed_001() -> dict:
    lines = [ln.strip() for ln in (CONTENT / "seed-001-ballerina-seo.txt").read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    title = lines[0]
    assert lines[1] == "Related Movies:"
    body = lines[2:]
    return {
        "title": title, "film": "From the World of John Wick: Ballerina", "year": 2025,
        "slug": "ballerina-2025-review", "rating": "8.8/10", "lastmod": "2025-06-08T10:00:00+00:00",
        "category": "Action Movies", "tags": ["Ana de Armas", "John Wick", "Len Wiseman", "Keanu Reeves"],
        "director": "Len Wiseman", "lines": body,
    }  # fmt: skip


def seo_body(lines: list[str]) -> str:
    out = []
    for ln in lines:
        if ln.startswith("Keywords:"):
            out.append(
                f'<p class="post-keywords"><strong>Keywords:</strong>{e(ln[len("Keywords:") :], quote=False)}</p>'
            )
        elif len(ln) < 80 and not ln.endswith((".", "!", "?")):
            out.append(f'<h2 class="wp-block-heading">{e(ln, quote=False)}</h2>')
        else:
            out.append(f"<p>{e(ln, quote=False)}</p>")
    return "\n\n".join(out)


def seo_layout(
    title: str, head_extra: str, main: str, canonical: str, description: str, body_class: str, prev_next: str = ""
) -> str:
    return f"""<!doctype html>
<html lang="en-US">
<head>
	<meta charset="UTF-8">
	<meta name="viewport" content="width=device-width, initial-scale=1">
	<link rel="profile" href="https://gmpg.org/xfn/11">
	<meta name='robots' content='index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1' />

	<!-- This site is optimized with the Yoast SEO plugin v23.9 - https://yoast.com/wordpress/plugins/seo/ -->
	<title>{e(title)}</title>
	<meta name="description" content="{e(description)}" />
	<link rel="canonical" href="{canonical}" />{prev_next}
	<meta property="og:locale" content="en_US" />
	<meta property="og:site_name" content="ReelVerdict" />
{head_extra}
	<!-- / Yoast SEO plugin. -->

<link rel="alternate" type="application/rss+xml" title="ReelVerdict &raquo; Feed" href="{SBASE}/feed/" />
<link rel='stylesheet' id='wp-block-library-css' href='{SBASE}/wp-includes/css/dist/block-library/style.min.css?ver=6.7.1' media='all' />
<link rel='stylesheet' id='generatepress-css' href='{SBASE}/wp-content/themes/generatepress/assets/css/main.min.css?ver=3.5.1' media='all' />
<meta name="generator" content="WordPress 6.7.1" />
</head>

<body class="{body_class}" itemtype="https://schema.org/WebPage" itemscope>
	<a class="screen-reader-text skip-link" href="#content" title="Skip to content">Skip to content</a>
	<header class="site-header" id="masthead" aria-label="Site">
		<div class="inside-header grid-container">
			<div class="site-branding"><p class="main-title" itemprop="headline"><a href="{SBASE}/" rel="home">ReelVerdict</a></p><p class="site-description" itemprop="description">Honest Movie Reviews &amp; Ratings</p></div>
			<nav class="main-navigation" id="site-navigation" aria-label="Primary" itemtype="https://schema.org/SiteNavigationElement" itemscope>
				<ul id="menu-main" class="menu sf-menu">
					<li class="menu-item"><a href="{SBASE}/">Home</a></li>
					<li class="menu-item"><a href="{SBASE}/category/action-movies/">Action Movies</a></li>
					<li class="menu-item"><a href="{SBASE}/about-us/">About Us</a></li>
					<li class="menu-item"><a href="{SBASE}/contact-us/">Contact Us</a></li>
				</ul>
			</nav>
		</div>
	</header>

	<div class="site grid-container container hfeed" id="page">
		<div class="site-content" id="content">
{main}
		</div>
	</div>

	<div class="site-footer">
		<footer class="site-info" aria-label="Site" itemtype="https://schema.org/WPFooter" itemscope>
			<div class="inside-site-info grid-container">
				<div class="copyright-bar">&copy; 2025 ReelVerdict &bull; <a href="{SBASE}/privacy-policy/">Privacy Policy</a> &bull; <a href="{SBASE}/disclaimer/">Disclaimer</a></div>
			</div>
		</footer>
	</div>
<script id="generate-menu-js" src="{SBASE}/wp-content/themes/generatepress/assets/js/menu.min.js?ver=3.5.1"></script>
</body>
</html>
"""


def build_seo(own: list[dict]) -> list[dict]:
    reviews = [seed_001()]
    for r in own:
        if r["site"] == "reelverdict":
            lines = [ln.strip() for ln in r["body"].strip().splitlines() if ln.strip()]
            reviews.append(
                {
                    "title": r["title"], "film": r["film"], "year": r["year"], "slug": r["slug"],
                    "rating": r["rating"], "lastmod": r["date"] + "T08:00:00+00:00", "category": r["category"],
                    "tags": r["tags"], "director": None, "lines": lines,
                }
            )  # fmt: skip
    for r in reviews:
        r["url"] = f"{SBASE}/{r['slug']}/"
        r["value"], r["best"] = r["rating"].split("/")
    cards = {
        r[
            "slug"
        ]: f"""<li class="related-movie"><a href="{r["url"]}"><img width="150" height="225" src="{SBASE}/wp-content/uploads/2025/06/{r["slug"]}-150x225.jpg" alt="{e(r["film"])}" loading="lazy"><span class="related-title">{e(r["film"])} ({r["year"]})</span></a> <span class="related-rating">&#9733; {r["value"]}/{r["best"]}</span></li>"""
        for r in reviews
    }
    for r in reviews:
        desc = r["lines"][0][:155].rsplit(" ", 1)[0] + "..."
        related = "\n".join(cards[o["slug"]] for o in reviews if o is not r)
        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "Article", "@id": f"{r['url']}#article", "isPartOf": {"@id": r["url"]},
                 "author": {"name": "reelverdict", "@id": f"{SBASE}/#/schema/person/4c1b0e5f"},
                 "headline": r["title"][:110], "mainEntityOfPage": {"@id": r["url"]}, "wordCount": sum(len(x.split()) for x in r["lines"]),
                 "publisher": {"@id": f"{SBASE}/#organization"}, "image": {"@id": f"{r['url']}#primaryimage"},
                 "thumbnailUrl": f"{SBASE}/wp-content/uploads/2025/06/{r['slug']}.jpg",
                 "keywords": r["tags"], "articleSection": [r["category"]], "inLanguage": "en-US"},
                {"@type": "WebPage", "@id": r["url"], "url": r["url"], "name": f"{r['title']} - ReelVerdict",
                 "isPartOf": {"@id": f"{SBASE}/#website"}, "primaryImageOfPage": {"@id": f"{r['url']}#primaryimage"},
                 "description": desc, "breadcrumb": {"@id": f"{r['url']}#breadcrumb"}, "inLanguage": "en-US"},
                {"@type": "BreadcrumbList", "@id": f"{r['url']}#breadcrumb", "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{SBASE}/"},
                    {"@type": "ListItem", "position": 2, "name": r["category"], "item": f"{SBASE}/category/action-movies/"},
                    {"@type": "ListItem", "position": 3, "name": r["title"]}]},
                {"@type": "WebSite", "@id": f"{SBASE}/#website", "url": f"{SBASE}/", "name": "ReelVerdict",
                 "description": "Honest Movie Reviews & Ratings", "publisher": {"@id": f"{SBASE}/#organization"}, "inLanguage": "en-US"},
                {"@type": "Organization", "@id": f"{SBASE}/#organization", "name": "ReelVerdict", "url": f"{SBASE}/",
                 "logo": {"@type": "ImageObject", "url": f"{SBASE}/wp-content/uploads/2024/01/logo.png"}},
                {"@type": "Person", "@id": f"{SBASE}/#/schema/person/4c1b0e5f", "name": "reelverdict",
                 "url": f"{SBASE}/author/reelverdict/"},
            ],
        }  # fmt: skip
        movie = {"@type": "Movie", "name": r["film"], "dateCreated": str(r["year"]),
                 "image": f"{SBASE}/wp-content/uploads/2025/06/{r['slug']}.jpg", "sameAs": f"https://www.imdb.com/find/?q={r['slug']}"}  # fmt: skip
        if r["director"]:
            movie["director"] = {"@type": "Person", "name": r["director"]}
        review_ld = {
            "@context": "https://schema.org/", "@type": "Review", "name": r["title"],
            "description": desc, "itemReviewed": movie,
            "reviewRating": {"@type": "Rating", "ratingValue": r["value"], "bestRating": r["best"], "worstRating": "1"},
            "author": {"@type": "Organization", "name": "ReelVerdict"},
            "publisher": {"@type": "Organization", "name": "ReelVerdict"},
        }  # fmt: skip
        head_extra = f"""	<meta property="og:type" content="article" />
	<meta property="og:title" content="{e(r["title"])}" />
	<meta property="og:description" content="{e(desc)}" />
	<meta property="og:url" content="{r["url"]}" />
	<meta property="article:publisher" content="https://www.facebook.com/reelverdict" />
	<meta property="og:image" content="{SBASE}/wp-content/uploads/2025/06/{r["slug"]}.jpg" />
	<meta name="twitter:card" content="summary_large_image" />
	<meta name="twitter:label1" content="Written by" />
	<meta name="twitter:data1" content="reelverdict" />
	<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(graph, ensure_ascii=False)}</script>
<!-- Schema & Structured Data For WP v1.38 - -->
<script type="application/ld+json" class="saswp-schema-markup-output">
{json.dumps(review_ld, ensure_ascii=False, indent=4)}
</script>"""
        tags = ", ".join(f'<a href="{SBASE}/tag/{slugify(t)}/" rel="tag">{e(t)}</a>' for t in r["tags"])
        main = f"""			<div class="content-area" id="primary">
				<main class="site-main" id="main">
<article id="post-{zlib.crc32(r["slug"].encode()) % 9000 + 1000}" class="post type-post status-publish format-standard has-post-thumbnail hentry category-action-movies" itemtype="https://schema.org/CreativeWork" itemscope>
	<div class="inside-article">
		<header class="entry-header">
			<h1 class="entry-title" itemprop="headline">{e(r["title"])}</h1>
		</header>
		<div class="featured-image page-header-image-single grid-container grid-parent">
			<img width="1200" height="675" src="{SBASE}/wp-content/uploads/2025/06/{r["slug"]}.jpg" class="attachment-full size-full wp-post-image" alt="{e(r["film"])}" itemprop="image" decoding="async" fetchpriority="high" />
		</div>
		<div class="entry-content" itemprop="text">
<div class="related-movies-box"><h3 class="related-movies-title">Related Movies:</h3>
<ul class="related-movies-list">
{related}
</ul></div>

{seo_body(r["lines"])}
		</div>
		<footer class="entry-meta" aria-label="Entry meta">
			<span class="cat-links"><span class="screen-reader-text">Categories </span><a href="{SBASE}/category/action-movies/" rel="category tag">{e(r["category"])}</a></span>
			<span class="tags-links"><span class="screen-reader-text">Tags </span>{tags}</span>
		</footer>
	</div>
</article>
				</main>
			</div>
			<div class="widget-area sidebar is-right-sidebar" id="right-sidebar">
				<div class="inside-right-sidebar">
					<aside id="block-3" class="widget inner-padding widget_block"><h2 class="wp-block-heading">Top Rated</h2><ul class="wp-block-latest-posts__list">{"".join(cards[o["slug"]] for o in sorted(reviews, key=lambda x: -float(x["value"]))[:3])}</ul></aside>
				</div>
			</div>"""
        write(SEO, f"/{r['slug']}/", seo_layout(f"{r['title']} - ReelVerdict", head_extra, main, r["url"], desc,
                                                "post-template-default single single-post single-format-standard right-sidebar"))  # fmt: skip

    def listing(path: str, heading: str, items: list[dict], page: int, pages: int, base: str) -> None:
        url = f"{SBASE}{path}"
        prev_next = ""
        nav = []
        if page > 1:
            prev_url = base if page == 2 else f"{base}page/{page - 1}/"
            prev_next += f'\n\t<link rel="prev" href="{prev_url}" />'
            nav.append(f'<a class="prev page-numbers" href="{prev_url}">Previous</a>')
        if page < pages:
            prev_next += f'\n\t<link rel="next" href="{base}page/{page + 1}/" />'
            nav.append(f'<a class="next page-numbers" href="{base}page/{page + 1}/">Next</a>')
        arts = "\n".join(
            f"""<article class="post type-post status-publish hentry category-action-movies" itemtype="https://schema.org/CreativeWork" itemscope>
	<div class="inside-article">
		<header class="entry-header"><h2 class="entry-title" itemprop="headline"><a href="{r["url"]}" rel="bookmark">{e(r["title"])}</a></h2></header>
		<div class="entry-summary" itemprop="text"><p>{e(r["lines"][0][:220])} &#8230; <span class="review-badge">&#9733; {r["value"]}/{r["best"]}</span></p></div>
		<footer class="entry-meta"><span class="cat-links"><a href="{SBASE}/category/action-movies/" rel="category tag">{e(r["category"])}</a></span> <a href="{r["url"]}#respond">Leave a comment</a></footer>
	</div>
</article>"""
            for r in items
        )
        main = f"""			<div class="content-area" id="primary"><main class="site-main" id="main">
<header class="page-header"><h1 class="page-title">{e(heading)}</h1></header>
{arts}
<nav id="nav-below" class="paging-navigation" aria-label="Archive Page"><div class="nav-links">{" ".join(nav)}</div></nav>
			</main></div>"""
        head = f"""	<meta property="og:type" content="website" />
	<meta property="og:title" content="{e(heading)} - ReelVerdict" />
	<meta property="og:url" content="{url}" />"""
        write(
            SEO,
            path,
            seo_layout(
                f"{heading} - ReelVerdict" + (f" - Page {page} of {pages}" if page > 1 else ""),
                head,
                main,
                url,
                "Honest Movie Reviews & Ratings",
                "archive blog",
                prev_next,
            ),
        )

    per_page = 3
    ordered = reviews  # newest first by the site's own order
    for base, heading, items in (
        ("/", "Latest Movie Reviews", ordered),
        ("/category/action-movies/", "Action Movies", ordered),
    ):
        pages = (len(items) + per_page - 1) // per_page
        for n in range(1, pages + 1):
            path = base if n == 1 else f"{base}page/{n}/"
            listing(path, heading, items[(n - 1) * per_page : n * per_page], n, pages, f"{SBASE}{base}")
    tags = sorted({t for r in reviews for t in r["tags"]})
    for t in tags:
        items = [r for r in reviews if t in r["tags"]]
        listing(f"/tag/{slugify(t)}/", t, items, 1, 1, f"{SBASE}/tag/{slugify(t)}/")
    for path, heading, text in (
        ("/about-us/", "About Us", "ReelVerdict publishes in-depth movie reviews with an honest rating out of 10 for every film we watch. Our team loves action cinema, from the John Wick saga to the best of Hong Kong."),
        ("/contact-us/", "Contact Us", "Questions, corrections or screening invitations: write to hello@reelverdict.example. We read everything and answer most of it."),
        ("/privacy-policy/", "Privacy Policy", "We use cookies to measure our audience. We never sell personal data."),
        ("/disclaimer/", "Disclaimer", "Ratings reflect the opinion of our editorial team. Some links are affiliate links."),
    ):  # fmt: skip
        # the about page links to a redirect (an old slug) and to a deleted post (404)
        links = (
            f'<p>Popular: <a href="{SBASE}/ballerina-review/">our Ballerina review</a> and '
            f'<a href="{SBASE}/best-action-movies-2024/">the best action movies of 2024</a>.</p>'
            if path == "/about-us/"
            else ""
        )
        main = f"""			<div class="content-area" id="primary"><main class="site-main" id="main">
<article class="page type-page status-publish hentry"><div class="inside-article"><header class="entry-header"><h1 class="entry-title">{heading}</h1></header>
<div class="entry-content"><p>{e(text)}</p>{links}</div></div></article></main></div>"""
        head = f'	<meta property="og:type" content="article" />\n	<meta property="og:title" content="{heading} - ReelVerdict" />\n	<meta property="og:url" content="{SBASE}{path}" />'
        write(
            SEO,
            path,
            seo_layout(f"{heading} - ReelVerdict", head, main, SBASE + path, text[:150], "page-template-default page"),
        )
    write(
        SEO,
        "/404.html",
        seo_layout(
            "Page not found - ReelVerdict",
            "",
            """<div class="content-area" id="primary"><main class="site-main" id="main"><section class="error-404 not-found"><header class="page-header"><h1 class="page-title">Oops! That page can&rsquo;t be found.</h1></header><p>It looks like nothing was found at this location. Maybe try a search?</p></section></main></div>""",
            SBASE + "/404.html",
            "Page not found",
            "error404",
        ),
    )

    sm_index = f"""<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="//{SEO}/main-sitemap.xsl"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
	<sitemap><loc>{SBASE}/post-sitemap.xml</loc><lastmod>2025-06-08T10:00:00+00:00</lastmod></sitemap>
	<sitemap><loc>{SBASE}/page-sitemap.xml</loc><lastmod>2025-01-10T12:00:00+00:00</lastmod></sitemap>
	<sitemap><loc>{SBASE}/category-sitemap.xml</loc><lastmod>2025-06-08T10:00:00+00:00</lastmod></sitemap>
</sitemapindex>
"""
    write(SEO, "/sitemap_index.xml", sm_index)
    write(SEO, "/post-sitemap.xml", sitemap([(r["url"], r["lastmod"]) for r in reviews]))
    write(
        SEO,
        "/page-sitemap.xml",
        sitemap(
            [
                (SBASE + p, "2025-01-10T12:00:00+00:00")
                for p in ("/", "/about-us/", "/contact-us/", "/privacy-policy/", "/disclaimer/")
            ]
        ),
    )
    write(SEO, "/category-sitemap.xml", sitemap([(SBASE + "/category/action-movies/", "2025-06-08T10:00:00+00:00")]))
    write(
        SEO,
        "/robots.txt",
        f"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\nSitemap: {SBASE}/sitemap_index.xml\n",
    )
    write(SEO, "/_redirects", "/ballerina-review/  /ballerina-2025-review/  301\n")
    return reviews


# --- headphonesthoughts.example: WordPress personal blog ----------------------------------------

WP = "headphonesthoughts.example"
WBASE = f"http://{WP}"
WP_SIGNATURE_START = "Message me on Social media"


def wp_paragraphs(lines: list[str]) -> str:
    out = []
    for ln in lines:
        if len(ln) < 40 and not ln.endswith((".", "!", "?", ":")) and not ln.startswith(("–", "Instagram", "X @")):
            out.append(f'<h3 class="wp-block-heading">{e(ln, quote=False)}</h3>')
        else:
            out.append(f"<p>{e(ln, quote=False)}</p>")
    return "\n\n\n\n".join(out)


WP_SIGNATURE = [
    "Message me on Social media (@headphonesthoughts) (@headphonesTblog) and/or email me @ contact@headphonesthoughts.com",
    "Whatever life takes you, enjoy your life. Think positive, and be positive.",
    "–Always look to the rising sky",
    "Read my quote or thought of the week series",
    "Follow me on Social Media:",
    "Instagram @headphonesthoughts",
    "X @headphonesTblog",
]


def wp_layout(title: str, canonical: str, main: str, body_class: str, extra_head: str = "") -> str:
    return f"""<!doctype html>
<html lang="en-US" >
<head>
	<meta charset="UTF-8" />
	<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<title>{e(title)}</title>
<meta name='robots' content='max-image-preview:large' />
<link rel="alternate" type="application/rss+xml" title="headphonesthoughts &raquo; Feed" href="{WBASE}/feed/" />
<link rel="alternate" type="application/rss+xml" title="headphonesthoughts &raquo; Comments Feed" href="{WBASE}/comments/feed/" />
<link rel='stylesheet' id='twenty-twenty-one-style-css' href='{WBASE}/wp-content/themes/twentytwentyone/style.css?ver=2.4' media='all' />
<link rel="https://api.w.org/" href="{WBASE}/wp-json/" />
<meta name="generator" content="WordPress 6.7.1" />
{extra_head}<link rel="canonical" href="{canonical}" />
<link rel='shortlink' href='{canonical}' />
</head>

<body class="{body_class}">
<div id="page" class="site">
	<a class="skip-link screen-reader-text" href="#content">Skip to content</a>

<header id="masthead" class="site-header has-title-and-tagline has-menu">
	<div class="site-branding">
		<p class="site-title"><a href="{WBASE}/">headphonesthoughts</a></p>
		<p class="site-description">Thoughts, with headphones on.</p>
	</div>
	<nav id="site-navigation" class="primary-navigation" aria-label="Primary menu">
		<div class="primary-menu-container"><ul id="primary-menu-list" class="menu-wrapper">
			<li class="menu-item"><a href="{WBASE}/">Home</a></li>
			<li class="menu-item"><a href="{WBASE}/category/movies/">Movies</a></li>
			<li class="menu-item"><a href="{WBASE}/about/">About</a></li>
			<li class="menu-item"><a href="{WBASE}/contact/">Contact</a></li>
		</ul></div>
	</nav>
</header>

	<div id="content" class="site-content">
		<div id="primary" class="content-area">
			<main id="main" class="site-main">
{main}
			</main><!-- #main -->
		</div><!-- #primary -->
	</div><!-- #content -->

	<aside class="widget-area">
		<section id="block-2" class="widget widget_block widget_search"><form role="search" method="get" action="{WBASE}/" class="wp-block-search"><label for="wp-block-search__input-1">Search</label><input type="search" id="wp-block-search__input-1" name="s" value="" /><button type="submit">Search</button></form></section>
		<section id="block-5" class="widget widget_block"><h2 class="wp-block-heading">Follow me</h2><p>Instagram @headphonesthoughts<br>X @headphonesTblog<br>contact@headphonesthoughts.com</p></section>
	</aside><!-- .widget-area -->

	<footer id="colophon" class="site-footer">
		<div class="site-info">
			<div class="site-name"><a href="{WBASE}/">headphonesthoughts</a></div>
			<div class="powered-by">Proudly powered by <a href="https://wordpress.org/">WordPress</a>.</div>
		</div>
	</footer>
</div><!-- #page -->
<script src='{WBASE}/wp-content/themes/twentytwentyone/assets/js/primary-navigation.js?ver=2.4' id='twenty-twenty-one-primary-navigation-script-js'></script>
</body>
</html>
"""


def build_wp(own: list[dict]) -> list[dict]:
    seed_lines = [
        ln.strip()
        for ln in (CONTENT / "seed-002-ballerina-wordpress.txt").read_text(encoding="utf-8").splitlines()
        if ln.strip()
    ]
    cut = next(i for i, ln in enumerate(seed_lines) if ln.startswith(WP_SIGNATURE_START))
    assert seed_lines[cut:] == WP_SIGNATURE, "the seed's signature block changed"
    posts = [
        # The seed post has no title: WordPress then uses the post ID as its slug, and the
        # theme prints no heading. Its date is hidden by the theme (and not stated in the seed).
        {"id": 1187, "title": "", "slug": "1187", "date": dt.datetime(2025, 6, 14, 16, 40, 2, tzinfo=dt.UTC),
         "lines": seed_lines[:cut], "tags": ["John Wick", "Ana de Armas"], "category": "Movies"},
    ]  # fmt: skip
    for r in own:
        if r["site"] == "headphonesthoughts":
            lines = [ln.strip() for ln in r["body"].strip().splitlines() if ln.strip()]
            lines.append(f"Rating: {r['rating']}")
            posts.append(
                {"id": r["post_id"], "title": r["title"], "slug": r["slug"],
                 "date": dt.datetime.fromisoformat(r["date"]).replace(tzinfo=dt.UTC),
                 "lines": lines, "tags": r["tags"], "category": r["category"]}
            )  # fmt: skip
    posts.sort(key=lambda p: p["date"], reverse=True)
    for p in posts:
        p["path"] = f"/archives/{p['id']}/"
        p["url"] = WBASE + p["path"]
        p["html"] = wp_paragraphs(p["lines"] + WP_SIGNATURE)
        title_html = f'<h1 class="entry-title">{e(p["title"])}</h1>' if p["title"] else ""
        tags = ", ".join(f'<a href="{WBASE}/tag/{slugify(t)}/" rel="tag">{e(t)}</a>' for t in p["tags"])
        main = f"""
<article id="post-{p["id"]}" class="post-{p["id"]} post type-post status-publish format-standard hentry category-movies entry">

	<header class="entry-header alignwide">
		{title_html}
	</header><!-- .entry-header -->

	<div class="entry-content">
		{p["html"]}
	</div><!-- .entry-content -->

	<footer class="entry-footer default-max-width">
		<div class="posted-by"><span class="byline">By <a href="{WBASE}/author/headphonesthoughts/" rel="author">@headphonesthoughts</a></span></div>
		<div class="post-taxonomies"><span class="cat-links">Categorized as <a href="{WBASE}/category/movies/" rel="category tag">{p["category"]}</a> </span><span class="tags-links">Tagged {tags}</span></div>
	</footer><!-- .entry-footer -->

</article><!-- #post-{p["id"]} -->

<div id="comments" class="comments-area default-max-width show-avatars">
	<div id="respond" class="comment-respond">
		<h2 id="reply-title" class="comment-reply-title">Leave a comment</h2>
		<form action="{WBASE}/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate><p class="comment-notes"><span id="email-notes">Your email address will not be published.</span></p><p class="comment-form-comment"><label for="comment">Comment</label> <textarea id="comment" name="comment" cols="45" rows="5" maxlength="65525" required></textarea></p><p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /></p></form>
	</div><!-- #respond -->
</div><!-- #comments -->
"""
        page_title = f"{p['title']} &#8211; headphonesthoughts" if p["title"] else "headphonesthoughts"
        write(
            WP,
            p["path"],
            wp_layout(
                html.unescape(page_title),
                p["url"],
                main,
                f"post-template-default single single-post postid-{p['id']} single-format-standard",
            ),
        )

    def listing(path: str, heading: str | None, items: list[dict]) -> None:
        arts = "\n".join(
            f"""<article id="post-{p["id"]}" class="post-{p["id"]} post type-post status-publish format-standard hentry entry">
	<header class="entry-header"><h2 class="entry-title default-max-width"><a href="{p["url"]}">{e(p["title"]) or "(no title)"}</a></h2></header>
	<div class="entry-content"><p>{e(p["lines"][0][:200])} &hellip; <a class="more-link" href="{p["url"]}">Continue reading</a></p></div>
	<footer class="entry-footer default-max-width"><span class="byline">By <a href="{WBASE}/author/headphonesthoughts/" rel="author">@headphonesthoughts</a></span></footer>
</article>"""
            for p in items
        )
        header = (
            f'<header class="page-header alignwide"><h1 class="page-title">{e(heading)}</h1></header>'
            if heading
            else ""
        )
        write(
            WP,
            path,
            wp_layout(
                f"{heading} &#8211; headphonesthoughts"
                if heading
                else "headphonesthoughts &#8211; Thoughts, with headphones on.",
                WBASE + path,
                header + arts,
                "home blog hfeed" if not heading else "archive category",
            ),
        )

    listing("/", None, posts)
    listing("/category/movies/", "Category: Movies", posts)
    for t in sorted({t for p in posts for t in p["tags"]}):
        listing(f"/tag/{slugify(t)}/", f"Tag: {t}", [p for p in posts if t in p["tags"]])
    listing("/author/headphonesthoughts/", "Author: @headphonesthoughts", posts)
    for path, heading, text in (
        (
            "/about/",
            "About",
            "Hi, I am the person behind headphonesthoughts. I write about movies, music and whatever else I am thinking about with my headphones on.",
        ),
        (
            "/contact/",
            "Contact",
            "Message me on Social media (@headphonesthoughts) or email me @ contact@headphonesthoughts.com",
        ),
    ):
        # the about page links to a redirect (an old slug) and to a deleted post (404)
        links = (
            f'<p>Most read: <a href="{WBASE}/ballerina/">Ballerina</a>, <a href="{WBASE}/archives/999/">my first post</a>.</p>'
            if path == "/about/"
            else ""
        )
        main = f"""<article class="page type-page status-publish hentry entry"><header class="entry-header alignwide"><h1 class="entry-title">{heading}</h1></header><div class="entry-content"><p>{e(text)}</p>{links}</div></article>"""
        write(WP, path, wp_layout(f"{heading} – headphonesthoughts", WBASE + path, main, "page-template-default page"))
    write(
        WP,
        "/404.html",
        wp_layout(
            "Page not found – headphonesthoughts",
            WBASE + "/404.html",
            """<header class="page-header alignwide"><h1 class="page-title">Nothing here</h1></header><div class="error-404 not-found default-max-width"><div class="page-content"><p>It looks like nothing was found at this location. Maybe try a search?</p></div></div>""",
            "error404",
        ),
    )
    items = "\n".join(
        f"""		<item>
		<title>{e(p["title"])}</title>
		<link>{p["url"]}</link>
		<comments>{p["url"]}#respond</comments>
		<dc:creator><![CDATA[headphonesthoughts]]></dc:creator>
		<pubDate>{rfc822(p["date"])}</pubDate>
		<category><![CDATA[{p["category"]}]]></category>
		<guid isPermaLink="false">{WBASE}/?p={p["id"]}</guid>
		<description><![CDATA[{p["lines"][0][:200]} [&#8230;]]]></description>
		<content:encoded><![CDATA[{p["html"]}]]></content:encoded>
		</item>"""
        for p in posts
    )
    write(
        WP,
        "/feed/index.xml",
        f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
	<title>headphonesthoughts</title>
	<atom:link href="{WBASE}/feed/" rel="self" type="application/rss+xml" />
	<link>{WBASE}</link>
	<description>Thoughts, with headphones on.</description>
	<lastBuildDate>{rfc822(max(p["date"] for p in posts))}</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.7.1</generator>
{items}
	</channel>
</rss>
""",
    )
    write(
        WP,
        "/robots.txt",
        f"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\nSitemap: {WBASE}/wp-sitemap.xml\n",
    )
    write(
        WP,
        "/wp-sitemap.xml",
        f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{WBASE}/wp-sitemap-posts-post-1.xml</loc></sitemap><sitemap><loc>{WBASE}/wp-sitemap-posts-page-1.xml</loc></sitemap></sitemapindex>
""",
    )
    write(WP, "/wp-sitemap-posts-post-1.xml", sitemap([(p["url"], p["date"].isoformat()) for p in posts]))
    write(WP, "/wp-sitemap-posts-page-1.xml", sitemap([(WBASE + "/about/", None), (WBASE + "/contact/", None)]))
    write(WP, "/_redirects", "/ballerina/  /archives/1187/  301\n/feed  /feed/  301\n")
    return posts


# --- reviewroundup.example: an aggregator of copies --------------------------------------------

AGG = "reviewroundup.example"
ABASE = f"http://{AGG}"
# the aggregator's copy editor: a few words swapped, typography flattened
EDITS = [("movie", "film"), ("incredible", "amazing"), ("great", "terrific"), ("really ", ""), ("very ", "")]
AD = '<div class="ad-slot ad-inline" data-ad-unit="rr_incontent_{n}"><span class="ad-label">Advertisement</span><ins class="adsbygoogle" data-ad-client="ca-pub-0000000000000000" data-ad-slot="{n}"></ins></div>'


def edit(text: str, budget: int) -> str:
    out, used = text, 0
    for old, new in EDITS:
        while used < budget and old in out:
            out = out.replace(old, new, 1)
            used += 1
    return out.replace("’", "'").replace("“", '"').replace("”", '"').replace("—", "-")


def agg_layout(title: str, canonical: str, head: str, main: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{e(title)} | ReviewRoundup</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="canonical" href="{canonical}">
<meta property="og:site_name" content="ReviewRoundup">
<meta property="og:url" content="{canonical}">
{head}
<link rel="stylesheet" href="/static/css/rr.3f9a1c.css">
<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
</head>
<body class="rr">
<div class="topbar"><div class="wrap">Trending: <a href="/reviews/ballerina-2025-reelverdict/">Ballerina</a> &middot; <a href="/category/movies/">All movie reviews</a> &middot; <a href="/newsletter/">Get the weekly roundup</a></div></div>
<header class="site-header"><div class="wrap"><a class="logo" href="/">Review<b>Roundup</b></a>
<nav class="main-nav"><a href="/">Home</a><a href="/category/movies/">Movies</a><a href="/about/">About</a><a href="/contact/">Contact</a></nav></div></header>
<div class="ad-slot ad-leaderboard" data-ad-unit="rr_top"><span class="ad-label">Advertisement</span></div>
<div class="wrap layout">
{main}
<aside class="sidebar">
 <section class="widget trending"><h3>Most read this week</h3><ol>
  <li><a href="/reviews/ballerina-2025-reelverdict/">Ballerina (2025): A Dazzling Spin-Off</a> <span class="score">8.8/10</span></li>
  <li><a href="/reviews/ballerina-prestonmoline/">Ballerina, reviewed</a> <span class="score">4/5</span></li>
 </ol></section>
 <section class="widget newsletter"><h3>The Sunday Roundup</h3><p>The week's best reviews in one e-mail.</p><form action="/newsletter/" method="post"><input type="email" name="email" placeholder="you@example.com"><button>Subscribe</button></form></section>
 <div class="ad-slot ad-sidebar" data-ad-unit="rr_side"><span class="ad-label">Advertisement</span></div>
</aside>
</div>
<footer class="site-footer"><div class="wrap"><p>ReviewRoundup collects the best reviews from around the web. All reviews remain the property of their authors.</p><p>&copy; 2025 ReviewRoundup Media &middot; <a href="/about/">About</a> &middot; <a href="/contact/">Contact</a> &middot; <a href="/privacy/">Privacy</a></p></div></footer>
</body>
</html>
"""


def build_aggregator(jekyll: list[dict], seo: list[dict], wp: list[dict]) -> None:
    ballerina_j = next(p for p in jekyll if p["slug"] == "ballerina")
    ballerina_s = next(r for r in seo if r["slug"] == "ballerina-2025-review")
    ballerina_w = next(p for p in wp if p["id"] == 1187)
    copies = []
    # 1. the Jekyll review: paragraphs with ads between them, words edited
    j_paras = [re.sub(r"<[^>]+>", "", x) for x in re.findall(r"<p>(.*?)</p>", ballerina_j["html"], re.S)]
    j_paras = [html.unescape(x) for x in j_paras]
    copies.append(
        {"slug": "ballerina-prestonmoline", "title": "Ballerina review: how good is the first John Wick spinoff?",
         "credit": "prestonmoline", "source": ballerina_j["url"], "source_name": "Preston Moline",
         "published": "2025-06-12T09:30:00+00:00", "paras": [edit(x, 3) for x in j_paras]}
    )  # fmt: skip
    # 2. the SEO review, full copy, its related-movies block dropped, keywords line dropped
    s_paras = [ln for ln in ballerina_s["lines"] if not ln.startswith("Keywords:")]
    copies.append(
        {"slug": "ballerina-2025-reelverdict", "title": ballerina_s["title"], "credit": "ReelVerdict",
         "source": ballerina_s["url"], "source_name": "ReelVerdict", "published": "2025-06-13T07:00:00+00:00",
         "paras": [edit(x, 1) if i % 3 == 0 else x for i, x in enumerate(s_paras)]}
    )  # fmt: skip
    # 3. the personal blog's review: signature dropped, two paragraphs swapped
    w_paras = list(ballerina_w["lines"])
    w_paras[3], w_paras[4] = w_paras[4], w_paras[3]
    copies.append(
        {"slug": "ballerina-headphonesthoughts", "title": "Ballerina (2024) is better than expected",
         "credit": "headphonesthoughts", "source": ballerina_w["url"], "source_name": "headphonesthoughts",
         "published": "2025-06-16T11:45:00+00:00", "paras": [edit(x, 2) for x in w_paras]}
    )  # fmt: skip
    for c in copies:
        url = f"{ABASE}/reviews/{c['slug']}/"
        body = []
        for i, para in enumerate(c["paras"]):
            if len(para) < 80 and not para.endswith((".", "!", "?")) and not para.startswith(("Rating", "4/5")):
                body.append(f"<h2>{e(para)}</h2>")
            else:
                body.append(f"<p>{e(para)}</p>")
            if i in (3, 9):
                body.append(AD.format(n=i))
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": c["title"], "url": url,
              "datePublished": c["published"], "author": {"@type": "Person", "name": c["credit"]},
              "publisher": {"@type": "Organization", "name": "ReviewRoundup"}}  # fmt: skip
        head = f"""<meta property="og:type" content="article">
<meta property="og:title" content="{e(c["title"])}">
<meta property="article:published_time" content="{c["published"]}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>"""
        main = f"""<main class="content">
<article class="story">
<header class="story-head"><p class="kicker"><a href="/category/movies/">Movies</a></p>
<h1 class="story-title">{e(c["title"])}</h1>
<p class="story-byline">By <span class="author">{e(c["credit"])}</span> &middot; <time datetime="{c["published"]}">{dt.datetime.fromisoformat(c["published"]).strftime("%b %-d, %Y")}</time></p></header>
<div class="story-body">
{chr(10).join(body)}
</div>
<p class="source-note">This review was originally published by <a href="{c["source"]}" rel="nofollow">{e(c["source_name"])}</a>.</p>
<div class="share-bar"><a href="https://twitter.com/intent/tweet?url={url}">Share on X</a> <a href="https://www.facebook.com/sharer/sharer.php?u={url}">Share on Facebook</a></div>
</article>
<section class="more-reviews"><h3>More reviews</h3><ul>{"".join(f'<li><a href="/reviews/{o["slug"]}/">{e(o["title"])}</a></li>' for o in copies if o is not c)}</ul></section>
</main>"""
        write(AGG, f"/reviews/{c['slug']}/", agg_layout(c["title"], url, head, main))
    # 4. a truncated excerpt of the SEO review, linking to the full copy
    full = copies[1]
    words, kept = 0, []
    total = sum(len(p.split()) for p in full["paras"])
    for para in full["paras"]:
        kept.append(para)
        words += len(para.split())
        if words >= total * 0.45:
            break
    url = f"{ABASE}/digest/ballerina-2025/"
    paras = "\n".join(f"<p>{e(p)}</p>" if len(p) >= 80 or p.endswith(".") else f"<h2>{e(p)}</h2>" for p in kept)
    head = f"""<meta property="og:type" content="article">
<meta property="og:title" content="{e(full["title"])} (excerpt)">
<meta property="article:published_time" content="2025-06-14T06:00:00+00:00">"""
    main = f"""<main class="content">
<article class="story digest">
<header class="story-head"><p class="kicker">Weekend digest</p><h1 class="story-title">{e(full["title"])}</h1>
<p class="story-byline">By <span class="author">ReelVerdict</span> &middot; <time datetime="2025-06-14T06:00:00+00:00">Jun 14, 2025</time></p></header>
<div class="story-body">
{paras}
<p class="read-more"><a href="/reviews/{full["slug"]}/">Continue reading the full review &rarr;</a></p>
</div>
</article>
</main>"""
    write(AGG, "/digest/ballerina-2025/", agg_layout(f"{full['title']} (excerpt)", url, head, main))

    cards = (
        "\n".join(
            f"""<article class="card"><h2><a href="/reviews/{c["slug"]}/">{e(c["title"])}</a></h2><p class="card-meta">By {e(c["credit"])}</p><p>{e(c["paras"][1][:180] if len(c["paras"]) > 1 else "")}&hellip;</p></article>"""
            for c in copies
        )
        + '\n<article class="card"><h2><a href="/digest/ballerina-2025/">Weekend digest: Ballerina</a></h2><p>The review everyone is reading, in five minutes.</p></article>'
    )
    for path, heading in (("/", "The best reviews from around the web"), ("/category/movies/", "Movie reviews")):
        write(
            AGG,
            path,
            agg_layout(
                heading,
                ABASE + path,
                '<meta property="og:type" content="website">',
                f'<main class="content"><h1 class="page-title">{heading}</h1>\n{cards}\n</main>',
            ),
        )
    for path, heading, text in (
        (
            "/about/",
            "About ReviewRoundup",
            "We read the web's reviews so you don't have to, and republish the best of them with permission.",
        ),
        ("/contact/", "Contact", "Editorial: desk@reviewroundup.example. Advertising: ads@reviewroundup.example."),
        ("/privacy/", "Privacy", "We and our advertising partners use cookies."),
        ("/newsletter/", "The Sunday Roundup", "The week's best reviews in one e-mail, every Sunday."),
    ):
        # the about page links to a redirect and to a page that is gone (404)
        links = (
            '<p>Readers\' favourite: <a href="/r/ballerina">Ballerina</a>. '
            'Archive: <a href="/reviews/old-favourites/">old favourites</a>.</p>'
            if path == "/about/"
            else ""
        )
        write(
            AGG,
            path,
            agg_layout(
                heading,
                ABASE + path,
                '<meta property="og:type" content="website">',
                f'<main class="content"><article class="page"><h1>{heading}</h1><p>{e(text)}</p>{links}</article></main>',
            ),
        )
    write(
        AGG,
        "/404.html",
        agg_layout(
            "Not found",
            ABASE + "/404.html",
            "",
            '<main class="content"><h1>We could not find that page</h1><p>Try the <a href="/">home page</a>.</p></main>',
        ),
    )
    write(AGG, "/robots.txt", "User-agent: *\nDisallow: /newsletter/\n\nUser-agent: GPTBot\nDisallow: /\n")
    write(AGG, "/_redirects", "/r/ballerina  /reviews/ballerina-2025-reelverdict/  302\n")


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    own = load_own()
    jekyll = build_jekyll(own)
    seo = build_seo(own)
    wp = build_wp(own)
    build_aggregator(jekyll, seo, wp)
    files = sorted(p for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {len(files)} files under {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

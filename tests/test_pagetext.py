"""The page text a reader sees: menus in anonymous divs go, content with a few links stays."""

from crawler import pagetext


def visible_text(html: str) -> str:
    root = pagetext.parse_html(html)
    pagetext.clean_tree(root)
    return pagetext.element_text(root.find("body"))


MENU = "<div><ul>" + "".join(f"<li><a href='/{n}'>Quality improvement {n}</a></li>" for n in range(6)) + "</ul></div>"


def test_a_menu_in_anonymous_divs_is_dropped_by_link_density():
    text = visible_text(f"<html><body>{MENU}<div><h1>Leading Change</h1><p>A module for ward managers.</p></div></body></html>")
    assert "Quality improvement 3" not in text
    assert "A module for ward managers." in text


def test_a_paragraph_with_a_few_links_stays():
    html = ("<html><body><div><h1>Leading Change</h1><p>Read the <a href='/a'>handbook</a>, the <a href='/b'>timetable</a>"
            " and the <a href='/c'>fees</a> before you apply to this twelve-week module for ward managers.</p></div></body></html>")
    assert "twelve-week module" in visible_text(html)


def test_a_list_of_modules_without_links_stays():
    html = ("<html><body><div><h1>MSc Improvement</h1><ul><li>Measurement for improvement</li><li>Human factors</li>"
            "<li>Leading change</li><li>Dissertation</li></ul></div></body></html>")
    assert "Human factors" in visible_text(html)


def test_a_block_holding_the_heading_is_never_a_menu():
    links = "".join(f"<a href='/{n}'>Link {n}</a> " for n in range(8))
    html = f"<html><body><div>{links}<h1>Improvement Science</h1></div></body></html>"
    assert "Improvement Science" in visible_text(html)

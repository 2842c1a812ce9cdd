"""Waiting for the result of an action, never for time.

A click on a link or a submit button returns once the navigation has started, not once the next
page has loaded: on a busy machine the next line (an accessibility check, another click) would
act on the page being left. `follow` waits for the page the action leads to.
"""


def follow(locator, **click_options):
    """Click `locator` (a link or a form's button) and wait until the page it leads to has loaded."""
    with locator.page.expect_navigation(wait_until="load"):
        locator.click(**click_options)

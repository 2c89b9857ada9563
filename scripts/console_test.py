"""The web console driven in headless Chromium (run by scripts/console-test.sh, which starts the daemon).

Each check prints one line; the first that does not hold raises and the script exits 1.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ["FLOW_CONSOLE_BASE"]
ACME = os.environ["FLOW_CONSOLE_ACME_KEY"]
ACME_LEAD = os.environ["FLOW_CONSOLE_ACME_LEAD_KEY"]
GLOBEX = os.environ["FLOW_CONSOLE_GLOBEX_KEY"]
SHOTS = os.environ["FLOW_CONSOLE_SCREENSHOTS"]
REQUEST = json.load(open("examples/trip-planning/request.json"))


def call(method, path, key, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, json.loads(text) if text else None


def until(what, condition, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out: {what}")


def check(what, condition):
    if not condition:
        raise AssertionError(what)
    print(f"console_test: ok: {what}")


def start_job(idempotency):
    status, body = call("POST", "/instances", ACME, REQUEST)
    check(f"a planning job starts ({idempotency})", status == 201)
    instance = body["id"]
    # The example's first brief asks for the departure city.
    until("the intake question", lambda: any(
        w.get("event") == "plan.answer" for w in call("GET", f"/instances/{instance}", ACME)[1].get("waiting_for", [])))
    status, _ = call("POST", f"/instances/{instance}/events/plan.answer?key=u-42/{instance}", ACME,
                     {"text": "From Buenos Aires"})
    check("the answer is taken", status == 202)
    approval = until("the booking approval", lambda: next(
        (a for a in call("GET", "/approvals", ACME)[1]["approvals"] if a["instance_id"] == instance), None), 60)
    return instance, approval


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     "--disable-gpu", "--lang=en-GB"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, what, condition, timeout=20):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: condition(d))
    except TimeoutException:
        driver.save_screenshot(os.path.join(SHOTS, "failure.png"))
        for entry in driver.get_log("browser"):
            print(f"console_test: browser: {entry['level']} {entry['message']}", file=sys.stderr)
        raise AssertionError(f"timed out in the browser: {what} (failure.png)")


def css(driver, selector):
    return driver.find_elements(By.CSS_SELECTOR, selector)


def shot(driver, name):
    driver.save_screenshot(os.path.join(SHOTS, name))


def sign_in(driver, key):
    driver.get(BASE + "/console")
    field = wait(driver, "the sign-in form", lambda d: next(iter(css(d, "#api-key")), None))
    wait(driver, "the sign-in form shown", lambda d: field.is_displayed())
    field.clear()
    field.send_keys(key + Keys.ENTER)
    wait(driver, "signed in", lambda d: css(d, "#nav") and d.find_element(By.ID, "nav").is_displayed())


def main():
    first, first_approval = start_job("first")
    second, second_approval = start_job("second")
    driver = browser()
    try:
        # Sign in: the approvals inbox with both pending requests, each with its countdown.
        driver.get(BASE + "/console")
        shot(driver, "sign-in.png")
        sign_in(driver, ACME)
        check("the header names the key and its agency", "acme-ops · acme" in driver.find_element(By.ID, "who").text)
        card = wait(driver, "the first pending approval", lambda d: next(iter(
            css(d, f'article[data-approval="{first_approval["id"]}"]')), None))
        check("the request is shown as declared", first_approval["request"]["summary"] in card.text)
        countdown = card.find_element(By.CSS_SELECTOR, ".countdown")
        wait(driver, "the countdown runs", lambda d: countdown.text.startswith("expires in"))
        before = countdown.text
        time.sleep(1.5)
        check(f"the countdown counts down ({before} → {countdown.text})", countdown.text != before)
        shot(driver, "approvals.png")

        # Another operator decides the second one through the API: the open inbox follows (SSE).
        status, _ = call("POST", f"/approvals/{second_approval['id']}/decision", ACME_LEAD,
                         {"decision": "reject", "notes": "decided elsewhere"})
        check("another operator rejects the second approval through the API", status == 200)
        wait(driver, "the rejected approval leaves the inbox live",
             lambda d: not css(d, f'#pending article[data-approval="{second_approval["id"]}"]'))
        wait(driver, "the history shows who rejected it", lambda d: "acme-lead" in d.find_element(By.ID, "history").text)
        check("the inbox followed another operator's decision without a reload", True)

        # The instance page open in another tab: its live timeline.
        inbox = driver.current_window_handle
        driver.switch_to.new_window("tab")
        sign_in(driver, ACME)  # the key lives in one tab's session storage: a new tab signs in again
        driver.get(f"{BASE}/console#/instances/{first}")
        wait(driver, "the instance's timeline", lambda d: css(d, '#timeline li[data-kind="approval_requested"]'))
        wait(driver, "the graph", lambda d: css(d, "#graph svg"))
        check("the instance waits for the approval", "approval" in driver.find_element(By.ID, "waits").text)
        shot(driver, "instance-waiting.png")
        instance_tab = driver.current_window_handle

        # Approve with notes in the inbox.
        driver.switch_to.window(inbox)
        card = css(driver, f'article[data-approval="{first_approval["id"]}"]')[0]
        card.find_element(By.CSS_SELECTOR, "textarea").send_keys("fits the budget")
        card.find_element(By.XPATH, ".//button[text()='Approve']").click()
        wait(driver, "the approved approval leaves the inbox",
             lambda d: not css(d, f'#pending article[data-approval="{first_approval["id"]}"]'))
        wait(driver, "the history shows the approval by acme-ops", lambda d: "acme-ops" in d.find_element(By.ID, "history").text)
        check("approved from the inbox", True)
        shot(driver, "approvals-history.png")

        # The instance resumes live in the other tab: the decision, then its end.
        driver.switch_to.window(instance_tab)
        decided = wait(driver, "the decision in the live timeline",
                       lambda d: next(iter(css(d, '#timeline li[data-kind="approval_decided"]')), None))
        check("the timeline names who decided, with the notes",
              "acme-ops" in decided.text and "fits the budget" in decided.text)
        wait(driver, "the instance ends succeeded, live",
             lambda d: css(d, '#timeline li[data-kind="completed"]') and "succeeded" in d.find_element(By.ID, "instance-status").text, 30)
        check("the instance resumed and succeeded in the open page", True)
        shot(driver, "instance-resumed.png")

        # Replay the recorded run through the same flow's source: nothing would differ.
        source = call("GET", "/flows/trip-planning", ACME)[1]["source"]
        box = driver.find_element(By.CSS_SELECTOR, "#replay-result").find_element(By.XPATH, "..").find_element(By.TAG_NAME, "textarea")
        driver.execute_script("arguments[0].value = arguments[1];", box, source)
        box.find_element(By.XPATH, "..").find_element(By.XPATH, "..").find_element(By.XPATH, ".//button[text()='Replay']").click()
        result = wait(driver, "the replay's result", lambda d: "No difference" in d.find_element(By.ID, "replay-result").text
                      or "differ" in d.find_element(By.ID, "replay-result").text, 30)
        check("replayed through the same version: no difference", "No difference" in driver.find_element(By.ID, "replay-result").text)
        shot(driver, "instance-replay.png")
        driver.close()
        driver.switch_to.window(inbox)

        # Instances list with a filter; a flow's graph with its source.
        driver.get(f"{BASE}/console#/instances?flow=trip-planning")
        wait(driver, "the instances list", lambda d: css(d, f'tr[data-instance="{first}"]'))
        check("the filtered list shows both jobs", bool(css(driver, f'tr[data-instance="{second}"]')))
        shot(driver, "instances.png")
        driver.get(f"{BASE}/console#/flows/trip-planning")
        wait(driver, "the flow's graph", lambda d: css(d, "#graph svg"))
        check("the source has numbered lines", len(css(driver, ".source .line")) > 100)
        shot(driver, "flow.png")

        # An invalid override: its diagnostic at its line; Save refused; nothing stored.
        before = call("GET", "/agencies/acme/overrides", ACME)[1]
        driver.get(f"{BASE}/console#/overrides")
        editor = wait(driver, "the overrides editor", lambda d: next(iter(css(d, "#overrides-editor")), None))
        document = "agency: acme\nflows:\n  flight-notifications:\n    settings:\n      delay_threshold: 1m\n"
        editor.send_keys(Keys.CONTROL, "a")
        editor.send_keys(Keys.DELETE)
        driver.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", editor, document)
        diagnostic = wait(driver, "a diagnostic at line 5",
                          lambda d: next(iter(css(d, '#diagnostics li.error[data-line="5"]')), None))
        check(f"the diagnostic names the setting ({diagnostic.text})", "delay_threshold" in diagnostic.text or "1m" in diagnostic.text)
        check("the gutter marks line 5", any(e.text == "5" for e in css(driver, ".gutter .error")))
        save = driver.find_element(By.ID, "save-overrides")
        check("Save is refused while the document has errors", not save.is_enabled())
        shot(driver, "overrides-invalid.png")
        driver.execute_script("arguments[0].disabled = false; arguments[0].click();", save)
        wait(driver, "the daemon refuses it too", lambda d: "invalid" in d.find_element(By.ID, "alert").text.lower()
             or "422" in d.find_element(By.ID, "alert").text)
        after = call("GET", "/agencies/acme/overrides", ACME)[1]
        check("nothing was stored", after["revision"] == before["revision"] and after["document"] == before["document"])

        # Phone-sized approvals page.
        driver.set_window_size(390, 844)
        driver.get(f"{BASE}/console#/approvals")
        wait(driver, "the inbox on a phone", lambda d: css(d, "#history table"))
        shot(driver, "approvals-phone.png")
        driver.set_window_size(1280, 1000)

        # Another agency's key sees none of it.
        driver.find_element(By.ID, "sign-out").click()
        sign_in(driver, GLOBEX)
        wait(driver, "globex's empty inbox", lambda d: css(d, "#no-pending"))
        check("globex sees no pending approval and no acme history",
              "acme" not in driver.find_element(By.ID, "history").text)
        driver.get(f"{BASE}/console#/instances")
        wait(driver, "globex's instances", lambda d: css(d, "#instances table") or "No instance" in d.find_element(By.ID, "instances").text)
        check("globex lists none of acme's instances", not css(driver, f'tr[data-instance="{first}"]'))
        driver.get(f"{BASE}/console#/instances/{first}")
        wait(driver, "acme's instance refused to globex", lambda d: "404" in d.find_element(By.ID, "alert").text)
        check("acme's instance page is 404 for globex", True)
        shot(driver, "other-agency.png")
    finally:
        driver.quit()
    print("console_test: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print(f"console_test: FAILED: {error}", file=sys.stderr)
        sys.exit(1)

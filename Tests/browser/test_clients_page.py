#!/usr/bin/env python3
"""The Clients page in a real headless Chromium (issue 14's scenario).

Starts the real `clientimport serve` on a fresh base on loopback, drives the pages with
selenium and chromedriver, and checks what the page shows and what the base holds. Every step
saves a screenshot under a folder printed at the start (not committed).

    python3 Tests/browser/test_clients_page.py [path/to/clientimport]
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import openpyxl
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("CLIENTIMPORT_BINARY") or os.path.join(ROOT, ".build", "debug", "clientimport")
PASSWORD = "correct horse battery"
FRENCH_HEADERS = [
    "ID client", "Nom", "Numéro de téléphone", "Adresse", "Email", "Prénom", "Entreprise", "Fournisseur",
    "Déçu", "Notes", "Source marketing", "Carte de réduction", "Réduction sur les produits dans les ventes",
    "Réduction sur les services dans les commandes et factures",
    "Remise sur les produits/matériaux dans la commande et la facture",
    "Réduction sur les services en ventes (type de prix)",
    "Réduction sur les services dans les commandes et factures (type de prix)", "Solde",
]


def template_rows(rows):
    """French template rows from (name, phone, email, balance)."""
    result = []
    for name, phone, email, balance in rows:
        cells = [""] * len(FRENCH_HEADERS)
        cells[1], cells[2], cells[4], cells[17] = name, phone, email, balance
        result.append(cells)
    return result


class ClientsPageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="clientimport-browser-")
        cls.shots = os.environ.get("SCREENSHOTS") or os.path.join(cls.work, "screenshots")
        os.makedirs(cls.shots, exist_ok=True)
        print(f"Screenshots: {cls.shots}", flush=True)
        cls.downloads = os.path.join(cls.work, "downloads")
        os.makedirs(cls.downloads)
        cls.db = os.path.join(cls.work, "clients.sqlite")
        cls.cli("employees", "password", "Administrator", input=PASSWORD + "\n")
        cls.cli("roles", "add", "Accueil")
        cls.cli("employees", "add", "Léa", "--role", "Accueil")
        cls.cli("employees", "password", "Léa", input=PASSWORD + "\n")
        cls.server = subprocess.Popen([BINARY, "serve", "--db", cls.db, "--port", "0"], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
        line = cls.server.stdout.readline().strip()
        if not line.startswith("Listening on http://"):
            raise RuntimeError(f"serve did not start: {line} {cls.server.stderr.read()}")
        cls.url = line.removeprefix("Listening on ")
        options = webdriver.ChromeOptions()
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=fr-FR"]:
            options.add_argument(argument)
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        options.add_experimental_option("prefs", {
            "download.default_directory": cls.downloads, "download.prompt_for_download": False,
            "intl.accept_languages": "fr-FR,fr",
        })
        service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        cls.browser = webdriver.Chrome(options=options, service=service)
        cls.browser.set_page_load_timeout(60)
        cls.step = 0

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.server.terminate()
        cls.server.wait(timeout=30)

    @classmethod
    def cli(cls, *arguments, input=None):
        result = subprocess.run([BINARY, *arguments, "--db", cls.db], input=input, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"clientimport {' '.join(arguments)}: {result.stderr}")
        return result.stdout

    def shot(self, name):
        type(self).step += 1
        self.browser.save_screenshot(os.path.join(self.shots, f"{self.step:02d}-{name}.png"))

    def open(self, path):
        self.browser.get(self.url + path)

    def find(self, css):
        return WebDriverWait(self.browser, 30).until(ready.presence_of_element_located((By.CSS_SELECTOR, css)))

    def click_and_load(self, css):
        """Clicks and waits for the next page, so that nothing is read off the old one."""
        old = self.browser.find_element(By.TAG_NAME, "html")
        self.find(css).click()
        # Mid-navigation, chromedriver may answer about the old node with an inspector error.
        WebDriverWait(self.browser, 60, ignored_exceptions=[WebDriverException]).until(ready.staleness_of(old))

    def sign_in(self, name):
        self.open("/sign-in")
        self.find("#name").send_keys(name)
        self.find("#password").send_keys(PASSWORD)
        self.click_and_load("form button[type=submit].primary")

    def sign_out(self):
        self.click_and_load("form.sign-out button")

    def wait_download(self, suffix, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            done = [f for f in os.listdir(self.downloads) if f.endswith(suffix)]
            if done:
                return os.path.join(self.downloads, done[0])
            time.sleep(0.2)
        self.fail(f"no {suffix} downloaded: {os.listdir(self.downloads)}")

    def upload(self, rows, name):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(FRENCH_HEADERS)
        for row in template_rows(rows):
            sheet.append([cell if cell != "" else None for cell in row])
        path = os.path.join(self.work, name)
        workbook.save(path)
        self.open("/import")
        self.find("#file").send_keys(path)
        self.click_and_load("form[data-progress] button.primary")

    def error_rows(self):
        return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
                for row in self.browser.find_elements(By.CSS_SELECTOR, "table.errors tbody tr")]

    def clients(self):
        return json.loads(self.cli("clients", "list", "--format", "json"))

    def test_the_issue_scenario(self):
        # Sign in.
        self.sign_in("Administrator")
        self.assertIn("Administrator", self.find("span.who").text)
        self.shot("clients-empty")

        # Download the template and open it with openpyxl.
        self.find("a[href^='/template']").click()
        template = openpyxl.load_workbook(self.wait_download(".xlsx"))
        headers = [cell.value for cell in template.active[1]]
        self.assertEqual(headers[:18], FRENCH_HEADERS)

        # A file with three bad cells: each error with its row and column.
        self.upload([("Marie Curie", "pas un numéro", "marie@example.fr", "150"),
                     ("Jean Martin", "33612345678", "jean@", ""),
                     ("Anna Petit", "33798765432", "anna@example.com", "abc")], "three-bad-cells.xlsx")
        errors = self.error_rows()
        self.assertEqual(len(errors), 3, errors)
        self.assertEqual({(e[0], e[2]) for e in errors}, {("2", "C2"), ("3", "E3"), ("4", "R4")})
        self.assertEqual({e[1] for e in errors}, {"Numéro de téléphone", "Email", "Solde"})
        self.shot("three-errors")

        # Fix one in the page, check again: two left.
        cell = self.find("input[name='fix:C2']")
        cell.clear()
        cell.send_keys("33655555555")
        self.click_and_load("#check-again")
        self.assertEqual(len(self.error_rows()), 2)
        self.shot("two-errors")

        # Fix the rest and import.
        for name, value in [("fix:E3", "jean@example.com"), ("fix:R4", "-20")]:
            cell = self.find(f"input[name='{name}']")
            cell.clear()
            cell.send_keys(value)
        self.click_and_load("#check-again")
        self.click_and_load("#confirm")
        result = self.find("#result").text
        self.assertIn("3 créés", result)
        self.shot("imported")
        self.assertEqual(len(self.clients()), 3)

        # Find the new client by phone and open the card with its balance correction.
        self.open("/clients")
        self.find("#query").send_keys("+33 6 55 55")
        self.click_and_load("form.search button")
        links = self.browser.find_elements(By.CSS_SELECTOR, "table.clients tbody a")
        self.assertEqual([link.text for link in links], ["Marie Curie"])
        self.shot("found-by-phone")
        self.click_and_load("table.clients tbody a")
        self.assertIn("+150", self.find("p.money").text)
        history = self.find("table").text
        self.assertIn("Correction de solde", history)
        self.shot("client-card")

        # Export and read the download back.
        self.open("/export")
        self.find("#format option[value=csv]").click()
        self.find("form button.primary").click()
        with open(self.wait_download(".csv"), encoding="utf-8-sig") as exported:
            rows = list(csv.reader(exported, delimiter=exported.readline().count(";") and ";" or ","))
        names = {row[1] for row in rows}
        self.assertTrue({"Marie Curie", "Jean Martin", "Anna Petit"} <= names, names)

        # Undo, with its confirmation.
        self.open("/history")
        self.shot("history")
        self.click_and_load("a[href='/history/1/undo']")
        self.shot("undo-question")
        self.click_and_load("#confirm-undo")
        self.find("p.notice.success")
        self.assertEqual(self.clients(), [])

        # An employee without the balance right is refused a balance change, and nothing changes.
        self.sign_out()
        self.sign_in("Léa")
        self.upload([("Paul Durand", "33699999999", "", "500")], "balance.xlsx")
        errors = self.error_rows()
        self.assertEqual(len(errors), 1)
        self.assertIn("Léa", errors[0][4])
        self.assertEqual(self.browser.find_elements(By.ID, "confirm"), [])
        self.shot("balance-refused")
        self.assertEqual(self.clients(), [])

        # The page at 375 pixels wide, used by keyboard: the search field takes the focus by Tab.
        self.browser.set_window_size(375, 800)
        self.open("/clients")
        self.shot("clients-375px")
        width = self.browser.execute_script("return document.documentElement.scrollWidth")
        self.assertLessEqual(width, 375)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

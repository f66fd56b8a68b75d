/// <reference lib="dom" />
/**
 * The portal in a real browser (Debian's chromium through playwright-core): a full fiscal year
 * on anvil (test/audit/scenario.ts, deployed with the project's Ignition module), plus a budget
 * line, a permit type, an open tender and a roster programme for the portal's own users; the
 * reference API server (api-server.ts) computes every answer from that chain and hosts the
 * built portal (`npm run web:build`). Public pages are checked against the contracts' views,
 * axe-core reports no WCAG 2.1 A/AA violation on any page in either language, every page fits
 * a 375 px phone, and the wallet flows run with an injected EIP-6963 test wallet: a citizen
 * applies (ERC-2612 signature), the permit appears after the last check, withdraws and renews;
 * a verifier checks by QR payload and by document file; a firm bids and reveals from the saved
 * secret file (read back by the CLI's reader); a beneficiary claims and claims for another.
 * Screenshots of the main pages go to docs/screenshots/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import AxeBuilder from "@axe-core/playwright";
import { expect } from "chai";
import { Wallet, encodeBytes32String, keccak256, parseEther, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { privateKeyToAccount } from "viem/accounts";

import { startAnvil, testPort, type LocalNode } from "../../scripts/lib/local-node.js";
import { readBidSecret } from "../../scripts/lib/procurement.js";
import { buildRosterFile } from "../../scripts/lib/roster/index.js";
import { runScenario, text, usd, type ScenarioResult } from "../audit/scenario.js";
import { startPortalServer, type PortalServer } from "./api-server.js";
import { installTestWallet, type TestWallet } from "./wallet.js";

const PORT = testPort(47);
const CHAIN_ID = 31347;
const DEPLOYMENT_DIR = `deploy/deployments/chain-${CHAIN_ID}`;
const DIST = "web/dist";
const SCREENSHOTS = "docs/screenshots";
const DAY = 86_400n;
const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const PORTAL_LINE = encodeBytes32String("PORTAL-2028");

function chromiumPath(): string {
  for (const candidate of ["/usr/bin/chromium", "/usr/bin/chromium-browser"])
    if (existsSync(candidate)) return candidate;
  return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim();
}

/** An amount as the portal shows it in English: `1,500.25 cUSD`. */
const formatEn = (value: bigint, symbol: string) =>
  `${new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 6 }).format(
    `${value / 1_000_000n}.${(value % 1_000_000n).toString().padStart(6, "0")}` as Intl.StringNumericLiteral,
  )} ${symbol}`;

describe("Portal in a browser (chromium, anvil, the API computed from the chain)", function () {
  this.timeout(900_000);
  let node: LocalNode;
  let connection: NetworkConnection;
  let scenario: ScenarioResult;
  let server: PortalServer;
  let browser: Browser;
  let dir: string;
  let symbol: string;
  const started = Date.now();
  const ids = { permitType: 0n, tender: 0n, program: 0n };
  const keys = {
    citizen: keccak256(toUtf8Bytes("civic-ledger web: citizen")) as `0x${string}`,
    firm: keccak256(toUtf8Bytes("civic-ledger web: firm")) as `0x${string}`,
    neighbour: keccak256(toUtf8Bytes("civic-ledger web: neighbour")) as `0x${string}`,
  };
  const who = {
    citizen: privateKeyToAccount(keys.citizen),
    firm: privateKeyToAccount(keys.firm),
    neighbour: privateKeyToAccount(keys.neighbour),
  };

  const rpc = async (method: string, params: unknown[] = []) => {
    const res = await fetch(node.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    return ((await res.json()) as { result: unknown }).result;
  };
  const actor = (name: string) => new Wallet(text(`civic-ledger scenario: ${name}`), connection.ethers.provider);

  before(async function () {
    if (!existsSync(join(DIST, "index.html"))) {
      execFileSync("npm", ["run", "web:build"], { stdio: "inherit" });
    }
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), "civic-web-"));
    node = await startAnvil({ port: PORT, chainId: CHAIN_ID });
    connection = await network.create({ network: "localhost", override: { url: node.url } });
    await connection.ethers.provider.send("evm_mine", []);
    scenario = await runScenario(connection);
    const { suite } = scenario;
    const [treasury] = await connection.ethers.getSigners();
    const done = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
    for (const account of Object.values(who)) {
      await done(treasury.sendTransaction({ to: account.address, value: parseEther("10") }));
      await done(suite.token.connect(treasury).mint(account.address, usd(1_000)));
    }
    // the portal's own year: cash in, a line, a permit type with one check, an open tender, a roster
    await done(suite.token.connect(treasury).mint(treasury.address, usd(500_000)));
    await done(suite.token.connect(treasury).approve(suite.addresses.BudgetLedger, usd(500_000)));
    await done(suite.ledger.connect(treasury).deposit(usd(500_000), encodeBytes32String("PORTAL-CASH")));
    await done(
      suite.ledger.connect(actor("finance")).createLine(PORTAL_LINE, 2028, usd(400_000), "Portal services 2028"),
    );
    await done(
      suite.permits
        .connect(actor("licensing"))
        .definePermitType("Food cart licence", usd(25), 90n * DAY, [100n], false),
    );
    ids.permitType = (await suite.permits.counts())[0];
    const now = BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
    await done(
      suite.escrow
        .connect(actor("procurement"))
        .createTender(
          PORTAL_LINE,
          text("footbridge specification"),
          usd(50_000),
          usd(100),
          now + 7n * DAY,
          now + 10n * DAY,
          500,
          1,
          [{ shareBps: 10_000, duration: 30n * DAY, descriptionHash: text("the whole footbridge") }],
        ),
    );
    ids.tender = await suite.escrow.tenderCount();
    ids.program = (await suite.subsidies.programCount()) + 1n;
    const csv = join(dir, "roster.csv");
    writeFileSync(
      csv,
      `beneficiary,amount\n${who.citizen.address},300000000\n${who.neighbour.address},200000000\n${who.firm.address},100000000\n`,
    );
    const rosterDir = join(dir, "rosters");
    mkdirSync(rosterDir);
    const roster = buildRosterFile(csv, join(rosterDir, `${ids.program}.json`));
    await done(
      suite.subsidies
        .connect(actor("benefits"))
        .createRosterProgram(
          PORTAL_LINE,
          roster.header.root,
          BigInt(roster.header.total),
          now,
          now + 60n * DAY,
          text("portal roster"),
        ),
    );
    symbol = await suite.token.symbol();
    server = await startPortalServer({
      rpcUrl: node.url,
      chainId: CHAIN_ID,
      addresses: suite.addresses as never,
      fromBlock: scenario.firstBlock,
      distDir: DIST,
      rosterDir,
    });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: LAUNCH_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
    console.log(`    (setup: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  });

  after(async function () {
    await browser?.close();
    await server?.close();
    await connection?.close();
    await node?.stop();
    rmSync(DEPLOYMENT_DIR, { recursive: true, force: true });
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    console.log(`    (portal in a browser: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  });

  async function open(context: BrowserContext, route: string, lang = "en"): Promise<Page> {
    const page = await context.newPage();
    await page.addInitScript((l) => window.localStorage.setItem("civic-ledger.locale", l), lang);
    await page.goto(`${server.url}/#/${route}`);
    await settle(page);
    return page;
  }

  /** Waits until the page shows its figures (or says why not) and no request is in flight. */
  async function settle(page: Page): Promise<void> {
    await page.waitForLoadState("networkidle");
    await page.waitForFunction(() => document.querySelector('[role="status"].loading') === null);
  }

  async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const summary = result.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`,
    );
    expect(summary, `axe on ${what}`).to.deep.equal([]);
  }

  const publicRoutes = () => [
    "",
    "budget/2027",
    `budget/line/${encodeBytes32String("ROADS-2027")}`,
    "tenders",
    "tenders/1",
    "permits",
    "permits/1",
    "subsidies",
    "audit",
    "wallet",
    `wallet/bid/${ids.tender}`,
    `wallet/claim/${ids.program}`,
  ];

  it("shows the budget of each year with figures equal to the contracts' views, and the block they are true at", async function () {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const t0 = Date.now();
    const page = await open(context, "budget/2027");
    await page.locator("[data-total]").first().waitFor();
    const firstRender = Date.now() - t0;
    const { ledger } = scenario.suite;
    const count = await ledger.lineCount();
    const totals = { appropriated: 0n, committed: 0n, spent: 0n, available: 0n };
    let shown = 0;
    for (let i = 0n; i < count; i++) {
      const id = await ledger.lineIdAt(i);
      const line = await ledger.getLine(id);
      if (Number(line.fiscalYear) !== 2027) continue;
      shown++;
      const expected = {
        appropriated: line.appropriated,
        committed: line.committed,
        spent: line.spent,
        available: await ledger.available(id),
      };
      for (const [field, value] of Object.entries(expected) as Array<[keyof typeof totals, bigint]>) {
        totals[field] += value;
        const cell = page.locator(`tr[data-line="${id}"] td[data-field="${field}"] data`);
        expect(await cell.getAttribute("value"), `${line.label} ${field}`).to.equal(value.toString());
        expect(await cell.textContent(), `${line.label} ${field}`).to.equal(formatEn(value, symbol));
      }
    }
    expect(await page.locator("tbody tr[data-line]").count()).to.equal(shown);
    for (const [field, value] of Object.entries(totals)) {
      expect(await page.locator(`[data-total="${field}"] data`).getAttribute("value"), field).to.equal(
        value.toString(),
      );
    }
    const block = Number(await page.locator(".as-of").getAttribute("data-block"));
    expect(block).to.equal(await connection.ethers.provider.getBlockNumber());
    expect(await page.locator(".as-of").textContent()).to.match(/^Figures true at block [\d,]+ \(.+UTC\)\.$/);
    await page.screenshot({ path: join(SCREENSHOTS, "budget.png"), fullPage: true });

    // a line's page: every movement of the line, with its transaction (local chain: the hash)
    const roads = encodeBytes32String("ROADS-2027");
    await page.goto(`${server.url}/#/budget/line/${roads}`);
    await page.locator("tbody tr[data-kind]").first().waitFor();
    await settle(page);
    const movements = (await ledger.queryFilter("*" as never, scenario.firstBlock)).filter((log) => {
      const topics = (log as unknown as { topics: string[] }).topics;
      return topics.slice(1).includes(roads);
    });
    expect(await page.locator("tbody tr[data-kind]").count()).to.equal(movements.length);
    expect(await page.locator("tbody tr[data-kind] td code.hash").first().textContent()).to.match(/^0x[0-9a-f]{64}$/);
    await page.screenshot({ path: join(SCREENSHOTS, "budget-line.png"), fullPage: true });
    console.log(`    (budget page, first render on a cold cache: ${firstRender} ms)`);
    await context.close();
  });

  it("shows tenders with their timeline, subsidies and the audit as the chain has them", async function () {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { escrow, subsidies } = scenario.suite;
    const page = await open(context, "tenders");
    expect(await page.locator("tbody tr[data-tender]").count()).to.equal(Number(await escrow.tenderCount()));
    await page.goto(`${server.url}/#/tenders/1`);
    await page.locator(".timeline li").first().waitFor();
    await settle(page);
    const tender = await escrow.getTender(1n);
    const agreement = await escrow.getAgreement(tender.agreementId);
    expect(await page.locator('[data-field="price"] data').getAttribute("value")).to.equal(agreement.price.toString());
    const kinds = await page.locator(".timeline li").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
    expect(kinds).to.include.members([
      "TenderCreated",
      "BidSubmitted",
      "BidRevealed",
      "TenderAwarded",
      "MilestonePaid",
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, "tender.png"), fullPage: true });

    await page.goto(`${server.url}/#/subsidies`);
    await page.locator("tbody tr[data-program]").first().waitFor();
    await settle(page);
    const programmes = await subsidies.programCount();
    expect(await page.locator("tbody tr[data-program]").count()).to.equal(Number(programmes));
    for (let id = 1n; id <= programmes; id++) {
      const p = await subsidies.getProgram(id);
      const row = page.locator(`tr[data-program="${id}"]`);
      expect(await row.locator('[data-field="budget"] data').getAttribute("value")).to.equal(p.budget.toString());
      expect(await row.locator('[data-field="paid"] data').getAttribute("value")).to.equal(p.paid.toString());
      expect(await row.locator('[data-field="remaining"] data').getAttribute("value")).to.equal(
        (await subsidies.remaining(id)).toString(),
      );
    }
    await page.screenshot({ path: join(SCREENSHOTS, "subsidies.png"), fullPage: true });

    await page.goto(`${server.url}/#/audit`);
    await page.locator("[data-consistent]").waitFor({ timeout: 120_000 });
    await settle(page);
    expect(await page.locator("[data-consistent]").getAttribute("data-consistent")).to.equal("true");
    const rules = await page.locator("tr[data-rule]").evaluateAll((els) => els.map((e) => e.getAttribute("data-rule")));
    expect(new Set(rules)).to.include.keys(["single-bidder-tender", "approver-also-bidder", "payout-to-official"]);
    await page.screenshot({ path: join(SCREENSHOTS, "audit.png"), fullPage: true });
    await context.close();
  });

  it("has no axe-core WCAG 2.1 AA violation on any page, in English and in Spanish", async function () {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    for (const lang of ["en", "es"]) {
      for (const route of publicRoutes()) {
        const page = await open(context, route, lang);
        expect(await page.evaluate(() => document.documentElement.lang)).to.equal(lang);
        await expectNoAxeViolations(page, `#/${route} (${lang})`);
        await page.close();
      }
    }
    await context.close();
  });

  it("switches language from the header, with amounts and dates formatted for the locale", async function () {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await open(context, "budget/2027");
    expect(await page.locator("h1").textContent()).to.equal("Budget 2027");
    await page.getByRole("button", { name: "Leer este sitio en español" }).click();
    await page.locator("h1", { hasText: "Presupuesto 2027" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal("es");
    const total = await page.locator('[data-total="appropriated"] data').textContent();
    expect(total).to.match(/^[\d.]+,\d{2,6} /); // 1.234.567,00: Spanish separators
    expect(await page.locator(".as-of").textContent()).to.match(/^Cifras ciertas en el bloque/);
    // the choice is kept for the next visit
    const next = await context.newPage();
    await next.goto(`${server.url}/#/budget/2027`);
    await next.locator("h1", { hasText: "Presupuesto 2027" }).waitFor();
    await context.close();
  });

  it("fits a 375 px wide phone screen on every page, keyboard first", async function () {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    for (const route of publicRoutes()) {
      const page = await open(context, route);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `#/${route} is ${width} px wide`).to.be.at.most(375);
      if (route === "budget/2027")
        await page.screenshot({ path: join(SCREENSHOTS, "phone-budget.png"), fullPage: true });
      await page.close();
    }
    // the skip link is the first stop of the keyboard and moves the focus to the content
    const page = await open(context, "budget/2027");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.className)).to.equal("skip-link");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("main");
    await context.close();
  });

  it("says clearly when the browser has no wallet, and keeps the public pages open", async function () {
    const context = await browser.newContext();
    const page = await open(context, "wallet");
    await page.locator("[data-no-wallet]").waitFor();
    expect(await page.locator("[data-no-wallet]").textContent()).to.include("No wallet was found in this browser.");
    await context.close();
  });

  describe("with a wallet", function () {
    let context: BrowserContext;
    let wallet: TestWallet;

    /** Connects the test wallet, unless the portal reconnected it by itself (it is authorised). */
    async function connect(page: Page, address = wallet.account.address): Promise<void> {
      const button = page.getByRole("button", { name: "Connect Test Wallet" });
      await page.locator(`[data-account="${address}"]`).or(button).first().waitFor();
      if (await button.isVisible()) await button.click();
      await page.locator(`[data-account="${address}"]`).waitFor();
    }

    before(async function () {
      context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      wallet = await installTestWallet(context, who.citizen, node.url, CHAIN_ID);
    });
    after(async () => context?.close());

    it("a citizen applies with an ERC-2612 signature, the permit appears after the last check; a refusal sends nothing", async function () {
      const { permits, token } = scenario.suite;
      const page = await open(context, "wallet");
      await connect(page);
      const documentFile = join(dir, "food-cart-plan.pdf");
      writeFileSync(documentFile, "Food cart plan: Plaza Mayor, weekdays 11:00-15:00");
      await page.getByLabel("Permit type").selectOption(ids.permitType.toString());
      await page.getByLabel("Your document").setInputFiles(documentFile);
      const before = await token.balanceOf(who.citizen.address);
      const applied = page.locator('[data-action="apply"] [data-result="ok"]');
      const listed = page.locator('[data-action="list"] [data-result="ok"]');
      await page.getByRole("button", { name: "Apply and pay the fee" }).click();
      await applied.waitFor();
      expect(await applied.textContent()).to.include("approved by your signature");
      expect(wallet.sent).to.have.length(1); // one transaction: the fee came with the signature
      const applicationId = (await permits.counts())[1];
      const application = await permits.getApplication(applicationId);
      expect(application.documentHash).to.equal(keccak256(readFileSync(documentFile)));
      expect(before - (await token.balanceOf(who.citizen.address))).to.equal(usd(25));
      await page.locator(`tr[data-application="${applicationId}"][data-status="Pending"]`).waitFor();

      // the same document again: the simulation refuses, one sentence, nothing sent
      await page.getByRole("button", { name: "Apply and pay the fee" }).click();
      await page.locator('[data-action="apply"] [data-result="refused"]').waitFor();
      expect(await page.locator('[data-action="apply"] [data-result="refused"]').textContent()).to.equal(
        `Nothing was sent: this document already backs your application ${applicationId}.`,
      );
      expect(wallet.sent).to.have.length(1);

      // the fire agency signs off the only check: the permit is issued in that transaction
      await (await permits.connect(actor("fireAgency")).recordCheck(applicationId, 100n, true, text("fire ok"))).wait();
      await page.reload();
      await settle(page);
      await connect(page); // reconnects by itself after a reload
      const permitId = (await permits.counts())[2];
      await page.locator(`tr[data-permit="${permitId}"][data-status="valid"]`).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, "wallet-citizen.png"), fullPage: true });

      // renew: without rechecks the permit is extended at once (approve + renew)
      const expiresBefore = (await permits.getPermit(permitId)).expiresAt;
      await page.locator(`tr[data-permit="${permitId}"]`).getByRole("button", { name: /Renew/ }).click();
      await listed.waitFor();
      expect((await permits.getPermit(permitId)).expiresAt).to.equal(expiresBefore + 90n * DAY);

      // withdraw: a second application, then withdrawn; the fee comes back
      const second = join(dir, "second-cart.pdf");
      writeFileSync(second, "A second cart");
      await page.getByLabel("Permit type").selectOption(ids.permitType.toString());
      await page.getByLabel("Your document").setInputFiles(second);
      await page.getByRole("button", { name: "Apply and pay the fee" }).click();
      await applied.waitFor();
      const secondId = (await permits.counts())[1];
      const afterApply = await token.balanceOf(who.citizen.address);
      await page
        .locator(`tr[data-application="${secondId}"]`)
        .getByRole("button", { name: /Withdraw/ })
        .click();
      await page.locator(`tr[data-application="${secondId}"][data-status="Withdrawn"]`).waitFor();
      expect((await token.balanceOf(who.citizen.address)) - afterApply).to.equal(usd(25));
    });

    it("a verifier checks the permit by its QR payload and by holder and document file", async function () {
      const { permits } = scenario.suite;
      const permitId = (await permits.counts())[2];
      const verifier = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await open(verifier, `permits/${permitId}`);
      const payload = (await page.locator("[data-qr-payload]").getAttribute("data-qr-payload"))!;
      expect(payload).to.include(
        `#/permits/${permitId}?chain=${CHAIN_ID}&registry=${scenario.suite.addresses.PermitRegistry}`,
      );
      await page.locator("img.qr").waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, "permit.png"), fullPage: true });

      await page.goto(`${server.url}/#/permits`);
      await page.getByLabel("QR code content").waitFor();
      await page.getByLabel("QR code content").fill(payload);
      await page.getByRole("button", { name: "Check" }).nth(1).click();
      await page.locator('h2[data-status="valid"]').waitFor();
      expect(await page.locator('h2[data-status="valid"]').textContent()).to.include(`Permit ${permitId}: valid`);
      const expiresAt = (await permits.getPermit(permitId)).expiresAt;
      expect(await page.locator('[data-field="expiresAt"] time').getAttribute("datetime")).to.equal(
        new Date(Number(expiresAt) * 1000).toISOString(),
      );

      await page.goto(`${server.url}/#/permits`);
      await page.getByLabel("Holder's address").waitFor();
      await page.getByLabel("Holder's address").fill(who.citizen.address);
      await page.getByLabel("Document file").setInputFiles(join(dir, "food-cart-plan.pdf"));
      await page.getByRole("button", { name: "Check" }).nth(2).click();
      await page.locator('h2[data-status="valid"]').waitFor();
      // another file: no permit, and the file itself never left the browser (only its hash)
      await page.getByLabel("Document file").setInputFiles(join(dir, "second-cart.pdf"));
      await page.getByRole("button", { name: "Check" }).nth(2).click();
      await page.locator('[data-status="none"]').waitFor();
      expect(server.apiRequests.some((r) => r.includes("documentHash=0x"))).to.equal(true);
      await verifier.close();
    });

    it("a firm submits a sealed bid, saves the secret file and reveals from it", async function () {
      const { escrow } = scenario.suite;
      const firmContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      const firm = await installTestWallet(firmContext, who.firm, node.url, CHAIN_ID);
      const page = await open(firmContext, `wallet/bid/${ids.tender}`);
      await connect(page, firm.account.address);
      const proposal = join(dir, "proposal.pdf");
      writeFileSync(proposal, "Footbridge proposal v3");
      await page.getByLabel(/Your price/).fill("41250.5");
      await page.getByLabel(/technical proposal/).setInputFiles(proposal);
      await page.getByRole("button", { name: "Seal my bid" }).click();
      const sendButton = page.getByRole("button", { name: /Send the sealed bid/ });
      expect(await sendButton.isDisabled()).to.equal(true); // not before the secret is saved
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "Save the bid secret file" }).click(),
      ]);
      const secretPath = join(dir, download.suggestedFilename());
      await download.saveAs(secretPath);
      expect(download.suggestedFilename()).to.equal(
        `chain-${CHAIN_ID}-tender-${ids.tender}-${firm.account.address}.json`,
      );
      const secret = readBidSecret(secretPath); // the CLI's reader: same format, seal checked
      expect(secret.price).to.equal(41_250_500_000n);
      expect(secret.proposalHash).to.equal(keccak256(readFileSync(proposal)));
      await sendButton.click();
      await page.locator('[data-action="bid"] [data-result="ok"]').waitFor();
      expect((await escrow.getBid(ids.tender, firm.account.address)).sealedBid).to.equal(secret.seal);
      expect(firm.sent).to.have.length(2); // approve the bond, submit the seal

      // bidding closes; the reveal reads the saved file
      await rpc("evm_increaseTime", [Number(7n * DAY)]);
      await rpc("evm_mine");
      await page.reload();
      await settle(page);
      await page.locator('[data-field="status"]', { hasText: "Revealing bids" }).waitFor();
      await page.getByLabel("Bid secret file").setInputFiles(secretPath);
      await page.getByRole("button", { name: "Reveal my bid" }).click();
      await page.locator('[data-action="reveal"] [data-result="ok"]').waitFor();
      const bid = await escrow.getBid(ids.tender, firm.account.address);
      expect(bid.revealed).to.equal(true);
      expect(bid.price).to.equal(41_250_500_000n);
      // revealing twice: refused by the simulation, decoded, nothing sent
      const sent = firm.sent.length;
      await page.getByRole("button", { name: "Reveal my bid" }).click();
      await page.locator('[data-action="reveal"] [data-result="refused"]').waitFor();
      expect(await page.locator('[data-action="reveal"] [data-result="refused"]').textContent()).to.equal(
        `Nothing was sent: this bid on tender ${ids.tender} is already revealed.`,
      );
      expect(firm.sent).to.have.length(sent);
      await firmContext.close();
    });

    it("a beneficiary finds their roster entry and claims, then claims for a neighbour", async function () {
      const { subsidies, token } = scenario.suite;
      const page = await open(context, `wallet/claim/${ids.program}`);
      await page.locator(`[data-account="${wallet.account.address}"]`).waitFor();
      await page.getByRole("button", { name: "Find" }).click();
      await page.locator('[data-entry="0"]').waitFor();
      const before = await token.balanceOf(who.citizen.address);
      await page.getByRole("button", { name: "Claim" }).click();
      await page.locator('[data-action="claim"] [data-result="ok"]').waitFor();
      expect(await subsidies.isClaimed(ids.program, 0n)).to.equal(true);
      expect((await token.balanceOf(who.citizen.address)) - before).to.equal(300_000_000n);
      await page.screenshot({ path: join(SCREENSHOTS, "wallet-claim.png"), fullPage: true });

      const neighbourBefore = await token.balanceOf(who.neighbour.address);
      await page.getByLabel(/Beneficiary's address/).fill(who.neighbour.address);
      await page.getByRole("button", { name: "Find" }).click();
      await page.locator('[data-entry="1"]').waitFor();
      await page.getByRole("button", { name: "Claim" }).click();
      await page.locator('[data-action="claim"] [data-result="ok"]').waitFor();
      expect((await token.balanceOf(who.neighbour.address)) - neighbourBefore).to.equal(200_000_000n);
      // an address not in the roster
      await page.getByLabel(/Beneficiary's address/).fill(actor("relayer").address);
      await page.getByRole("button", { name: "Find" }).click();
      await page.locator('[data-entry="none"]').waitFor();
    });
  });
});

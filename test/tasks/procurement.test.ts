/**
 * The procurement tasks in-process: a tender from a JSON file, sealed bids whose secrets go to
 * files, reveals from those files, the award, milestones approved by a quorum of inspectors
 * (one rejected and submitted again), cancellation, failure, termination; and bad input
 * (tender files, bid files, ids, roles, windows) ending in one clear line.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { encodeBytes32String } from "ethers";

import { computeSeal, readBidSecret, writeBidSecret } from "../../scripts/lib/procurement.js";
import { ROLES } from "../../scripts/lib/roles.js";
import { deployForTasks, type TaskHarness } from "./harness.js";

const U = 1_000_000n;
const DAY = 86_400;
const ROADS = encodeBytes32String("ROADS-2027");

describe("procurement tasks", function () {
  let h: TaskHarness;
  let tenderFile: (overrides?: Record<string, unknown>, name?: string) => string;
  let bidFile: (name: string) => string;
  const proc = (name: string, args: Record<string, string> = {}) => h.ok(["procurement", name], args);
  const fails = (name: string, args: Record<string, string>, message: RegExp) =>
    h.fails(["procurement", name], args, message);
  const OFFICER = "2";
  const [INSPECTOR_A, INSPECTOR_B] = ["3", "4"];
  const BIDDERS = ["11", "12", "13", "14"];

  before(async function () {
    h = await deployForTasks();
    const [admin, finance] = h.signers;
    await h.manager.grantRole(ROLES.BUDGET_OFFICER, finance.address, 0);
    await h.manager.grantRole(ROLES.PROCUREMENT_OFFICER, h.signers[2].address, 0);
    for (const i of [3, 4]) await h.manager.grantRole(ROLES.INSPECTOR, h.signers[i].address, 0);
    await h.token.mint(admin.address, 2_000_000n * U);
    await h.token.approve(await h.ledger.getAddress(), 2_000_000n * U);
    await h.ledger.deposit(2_000_000n * U, encodeBytes32String("revenue"));
    await h.ledger.connect(finance).createLine(ROADS, 2027, 2_000_000n * U, "Roads 2027");
    for (const i of BIDDERS) await h.token.mint(h.signers[Number(i)].address, 10_000n * U);
    writeFileSync(join(h.dir, "bridge-spec.pdf"), "the bridge's specification");
    tenderFile = (overrides = {}, name = "tender.json") => {
      const path = join(h.dir, name);
      const tender = {
        line: "ROADS-2027",
        spec: "bridge-spec.pdf",
        maxPrice: "500000",
        bidBond: "1000",
        bidDeadline: "+7d",
        revealDeadline: "+10d",
        retentionBps: 500,
        quorum: 2,
        milestones: [
          { shareBps: 4000, duration: "30d", description: "foundations" },
          { shareBps: 3000, duration: "60d", description: "deck" },
          { shareBps: 3000, duration: "90d", description: "finishing" },
        ],
        ...overrides,
      };
      writeFileSync(path, JSON.stringify(tender, null, 2));
      return path;
    };
    bidFile = (name) => join(h.dir, `${name}.bid.json`);
  });
  after(() => h.close());

  describe("a tender from file to the last milestone", function () {
    it("creates the tender from a JSON file: maxPrice is committed from the line", async function () {
      const out = await proc("create-tender", { file: tenderFile(), signer: OFFICER });
      expect(out).to.match(
        /Tender 1: max price 500000\.0 committed from ROADS-2027, bond 1000\.0, 3 milestone\(s\), quorum 2/,
      );
      expect(out).to.match(/bids until \d{4}-.* UTC, reveals until \d{4}-/);
      expect(await h.ledger.committedBy(ROADS, await h.escrow.getAddress())).to.equal(500_000n * U);
      const tender = await h.escrow.getTender(1n);
      expect(tender.specHash).to.equal(
        (await import("ethers")).keccak256(readFileSync(join(h.dir, "bridge-spec.pdf"))),
      );
      const shown = await proc("show", { tender: "1" });
      expect(shown).to.match(/^Tender 1: Bidding$/m);
      expect(shown).to.match(/retention\s+5%/);
      expect(shown).to.match(/0\s+40%\s+30d\s+0x[0-9a-f]{64}/);
      expect(shown).to.include("No bid yet");
    });

    it("bids: the seal is computed locally, the secret saved to a private file, the bond paid", async function () {
      const prices = ["480000", "455000.25", "470000", "400000"];
      for (const [k, signer] of BIDDERS.entries()) {
        const out = await proc("bid", {
          tender: "1",
          price: prices[k],
          proposal: `proposal of bidder ${k}`,
          out: bidFile(`b${k}`),
          signer,
        });
        expect(out).to.match(/Approved the bid bond of 1000\.0: tx/);
        expect(out).to.match(/Sealed bid on tender 1: tx/);
        expect(out).to.include(`Your bid secret is in ${bidFile(`b${k}`)}. Keep it private and safe`);
      }
      const secret = readBidSecret(bidFile("b1"));
      expect(secret.price).to.equal(455_000_250_000n);
      expect(secret.seal).to.equal(computeSeal(secret));
      expect((await h.escrow.getBid(1n, secret.bidder)).sealedBid).to.equal(secret.seal);
      expect(readFileSync(bidFile("b1"), "utf8")).to.include('"salt"');
      expect(existsSync(`${bidFile("b1")}.pending`)).to.equal(false);
    });

    it("a second bid replaces the seal and the secret file, paying no second bond", async function () {
      copyFileSync(bidFile("b2"), join(h.dir, "b2-old.bid.json"));
      const out = await proc("bid", {
        tender: "1",
        price: "450000",
        proposal: "improved proposal",
        out: bidFile("b2"),
        signer: BIDDERS[2],
      });
      expect(out).to.match(/Replaced the sealed bid on tender 1/);
      expect(out).not.to.match(/Approved/);
      expect(readBidSecret(bidFile("b2")).price).to.equal(450_000n * U);
    });

    it("refuses reveals before the bid deadline and bids after it", async function () {
      await fails(
        "reveal",
        { file: bidFile("b0"), signer: BIDDERS[0] },
        /tender 1 is Bidding; bids close at .*: bids are revealed after/,
      );
      await h.advance(7 * DAY);
      await fails(
        "bid",
        { tender: "1", price: "1", proposal: "late", out: bidFile("late"), signer: "15" },
        /tender 1 is Revealing; reveals close at .*: bids are no longer accepted/,
      );
    });

    it("reveals from the secret files; the bond comes back", async function () {
      for (const k of [0, 1, 2]) {
        const out = await proc("reveal", { file: bidFile(`b${k}`), signer: BIDDERS[k] });
        expect(out).to.match(/Revealed the bid on tender 1 at \d+/);
        expect(out).to.match(/Bond of 1000\.0 refunded/);
      }
      const shown = await proc("show", { tender: "1" });
      expect(shown).to.match(/^Tender 1: Revealing$/m);
      expect(shown).to.match(new RegExp(`${h.signers[13].address}\\s+0\\.0\\s+450000\\.0`));
      expect(shown).to.match(new RegExp(`${h.signers[14].address}\\s+1000\\.0\\s+-`));
      expect(shown).to.match(/Lowest revealed price so far: 450000\.0 by 0x/);
    });

    it("refuses bad reveals", async function () {
      await fails("reveal", { file: bidFile("b0"), signer: BIDDERS[0] }, /your bid on tender 1 is revealed already/);
      await fails(
        "reveal",
        { file: bidFile("b3"), signer: BIDDERS[0] },
        new RegExp(`is ${h.signers[14].address}'s bid; sign with that account \\(--signer ${h.signers[14].address}\\)`),
      );
      await fails(
        "reveal",
        { file: join(h.dir, "b2-old.bid.json"), signer: BIDDERS[2] },
        /your bid on tender 1 is revealed already/,
      );
      await fails(
        "reveal",
        { file: join(h.dir, "none.json"), signer: BIDDERS[3] },
        /--file: .*none\.json does not exist \(the file the bid task saved\)/,
      );
      await fails("reveal", { file: "", signer: BIDDERS[3] }, /--file is required/);
      const damaged = join(h.dir, "damaged.bid.json");
      const secret = JSON.parse(readFileSync(bidFile("b3"), "utf8"));
      writeFileSync(damaged, JSON.stringify({ ...secret, price: "1" }));
      await fails(
        "reveal",
        { file: damaged, signer: BIDDERS[3] },
        /--file: .*damaged\.bid\.json is damaged: its fields do not give its seal/,
      );
      writeFileSync(damaged, "{ not json");
      await fails("reveal", { file: damaged, signer: BIDDERS[3] }, /--file: .* is not JSON/);
      writeFileSync(damaged, JSON.stringify({ ...secret, salt: undefined }));
      await fails("reveal", { file: damaged, signer: BIDDERS[3] }, /lacks "salt"/);
      await fails(
        "award",
        { tender: "1" },
        /tender 1 is Revealing; reveals close at .*: a tender is awarded after its reveal deadline/,
      );
    });

    it("awards to the lowest revealed price; the unrevealed bond is forfeited", async function () {
      await h.advance(3 * DAY);
      const out = await proc("award", { tender: "1", signer: "9" });
      expect(out).to.match(
        new RegExp(
          `Agreement 1: tender 1 awarded to ${h.signers[13].address} at 450000\\.0; 50000\\.0 returned to ROADS-2027`,
        ),
      );
      expect(out).to.match(/Unrevealed bonds of 1000\.0 went to the ledger/);
      await fails("award", { tender: "1" }, /tender 1 is Awarded: a tender is awarded after its reveal deadline, once/);
    });

    it("milestones: two inspectors approve and it is paid; a rejected one is submitted again", async function () {
      const contractor = BIDDERS[2];
      expect(
        await proc("submit-milestone", {
          agreement: "1",
          index: "0",
          evidence: "photos of the piles",
          signer: contractor,
        }),
      ).to.match(/Submitted milestone 0 of agreement 1: tx/);
      expect(await proc("approve-milestone", { agreement: "1", index: "0", signer: INSPECTOR_A })).to.match(
        /1 of 2 approvals: not paid yet/,
      );
      await fails(
        "approve-milestone",
        { agreement: "1", index: "0", signer: INSPECTOR_A },
        /has approved milestone 0 of agreement 1 already/,
      );
      expect(await proc("approve-milestone", { agreement: "1", index: "0", signer: INSPECTOR_B })).to.match(
        /Quorum reached \(2 of 2\): paid 171000\.0 to 0x\w+, 9000\.0 held as retention/,
      );

      await proc("submit-milestone", { agreement: "1", index: "1", evidence: "deck report", signer: contractor });
      await proc("approve-milestone", { agreement: "1", index: "1", signer: INSPECTOR_A });
      expect(
        await proc("reject-milestone", { agreement: "1", index: "1", reason: "cracks", signer: INSPECTOR_B }),
      ).to.match(/Rejected milestone 1 of agreement 1: tx[\s\S]*Its approvals are cleared/);
      expect(
        await proc("submit-milestone", {
          agreement: "1",
          index: "1",
          evidence: "deck report, repaired",
          signer: contractor,
        }),
      ).to.match(/Submitted milestone 1 of agreement 1 again/);
      expect(await proc("approve-milestone", { agreement: "1", index: "1", signer: INSPECTOR_A })).to.match(
        /1 of 2 approvals/,
      );
      expect(await proc("approve-milestone", { agreement: "1", index: "1", signer: INSPECTOR_B })).to.match(
        /paid 128250\.0/,
      );

      await proc("submit-milestone", { agreement: "1", index: "2", evidence: "handover", signer: contractor });
      await proc("approve-milestone", { agreement: "1", index: "2", signer: INSPECTOR_B });
      const last = await proc("approve-milestone", { agreement: "1", index: "2", signer: INSPECTOR_A });
      expect(last).to.match(/paid 128250\.0 to .*, 6750\.0 held as retention/);
      expect(last).to.match(/Retention of 22500\.0 released to the contractor/);
      expect(last).to.match(/Agreement 1 completed/);

      const shown = await proc("show", { agreement: "1" });
      expect(shown).to.match(/^Tender 1: Awarded$/m);
      expect(shown).to.match(/^Agreement 1: Completed$/m);
      expect(shown).to.match(/paid\s+450000\.0/);
      expect(shown).to.match(/1\s+135000\.0\s+\d{4}-\S+ \S+ UTC\s+Paid\s+2\/2\s+0x/);
    });
  });

  describe("cancel, reclaim, failure, termination", function () {
    it("cancels a tender: the commitment returns, a bidder reclaims the bond", async function () {
      await proc("create-tender", { file: tenderFile({ bidDeadline: "+1d", revealDeadline: "+2d" }), signer: OFFICER });
      await proc("bid", { tender: "2", price: "1", proposal: "p", out: bidFile("t2"), signer: BIDDERS[0] });
      await fails(
        "reclaim-bond",
        { tender: "2", signer: BIDDERS[0] },
        /tender 2 is Bidding; .*: bonds are reclaimed from cancelled tenders only/,
      );
      expect(await proc("cancel", { tender: "2", reason: "budget cut", signer: OFFICER })).to.match(
        /Cancelled tender 2: tx[\s\S]*500000\.0 returned to ROADS-2027; bidders reclaim their bonds/,
      );
      expect(await proc("reclaim-bond", { tender: "2", signer: BIDDERS[0] })).to.match(
        /Reclaimed the bond of 1000\.0 on tender 2/,
      );
      await fails("reclaim-bond", { tender: "2", signer: BIDDERS[0] }, /holds no bond on tender 2/);
      await fails(
        "cancel",
        { tender: "2", reason: "again", signer: OFFICER },
        /tender 2 is Cancelled: only a tender before award can be cancelled/,
      );
    });

    it("a tender without bids fails at award; an agreement is terminated", async function () {
      await proc("create-tender", { file: tenderFile({ bidDeadline: "+1d", revealDeadline: "+2d" }), signer: OFFICER }); // 3
      await proc("create-tender", { file: tenderFile({ bidDeadline: "+1d", revealDeadline: "+2d" }), signer: OFFICER }); // 4
      await proc("bid", { tender: "4", price: "300000", proposal: "p", out: bidFile("t4"), signer: BIDDERS[1] });
      await h.advance(DAY);
      await proc("reveal", { file: bidFile("t4"), signer: BIDDERS[1] });
      await h.advance(DAY);
      expect(await proc("award", { tender: "3" })).to.match(
        /Tender 3 failed: no valid bid; 500000\.0 returned to ROADS-2027/,
      );
      expect(await proc("award", { tender: "4" })).to.match(/Agreement 2: tender 4 awarded/);
      await fails(
        "terminate",
        { agreement: "2", reason: "x", signer: BIDDERS[1] },
        /does not hold PROCUREMENT_OFFICER \(role 2\), which ProcurementEscrow\.terminate\(uint256,bytes32\) needs/,
      );
      expect(await proc("terminate", { agreement: "2", reason: "contractor insolvent", signer: OFFICER })).to.match(
        /Terminated agreement 2: tx[\s\S]*300000\.0 \(unpaid milestones and retention\) returned to the line/,
      );
      await fails(
        "terminate",
        { agreement: "2", reason: "x", signer: OFFICER },
        /agreement 2 is Terminated, not Active/,
      );
      await fails(
        "submit-milestone",
        { agreement: "2", index: "0", evidence: "x", signer: BIDDERS[1] },
        /agreement 2 is Terminated, not Active/,
      );
    });
  });

  describe("bad input", function () {
    it("create-tender: the tender file", async function () {
      const create = (file: string, message: RegExp, signer = OFFICER) =>
        fails("create-tender", { file, signer }, message);
      await fails(
        "create-tender",
        { file: "", signer: OFFICER },
        /--file is required \(the tender file, see docs\/operations\.md\)/,
      );
      await create(join(h.dir, "nope.json"), /--file: .*nope\.json does not exist/);
      writeFileSync(join(h.dir, "bad.json"), "{ line: ROADS }");
      await create(join(h.dir, "bad.json"), /--file: .*bad\.json is not valid JSON/);
      writeFileSync(join(h.dir, "list.json"), "[]");
      await create(join(h.dir, "list.json"), /must hold one JSON object/);
      await create(
        tenderFile({ maxprice: "1" }, "t.json"),
        /t\.json: unknown field "maxprice" \(the fields are line, spec, maxPrice/,
      );
      await create(tenderFile({ maxPrice: undefined }, "t.json"), /t\.json: "maxPrice" is missing/);
      await create(tenderFile({ maxPrice: "lots" }, "t.json"), /t\.json: maxPrice: "lots" is not an amount/);
      await create(tenderFile({ maxPrice: "0" }, "t.json"), /t\.json: maxPrice must be greater than 0/);
      await create(
        tenderFile({ bidBond: "1.0000001" }, "t.json"),
        /t\.json: bidBond: "1\.0000001" has more than 6 decimals/,
      );
      await create(
        tenderFile({ spec: "specs/none.pdf" }, "t.json"),
        /t\.json: spec: there is no file "specs\/none\.pdf"/,
      );
      await create(tenderFile({ line: "NOPE" }, "t.json"), /t\.json: line: no budget line "NOPE"/);
      await create(
        tenderFile({ maxPrice: "9000000" }, "t.json"),
        /t\.json: maxPrice 9000000\.0 is more than the 1550000\.0 available on ROADS-2027/,
      );
      await create(tenderFile({ quorum: 17 }, "t.json"), /t\.json: quorum: 17 is above 16/);
      await create(tenderFile({ quorum: 0 }, "t.json"), /t\.json: quorum: 0 is below 1/);
      await create(tenderFile({ retentionBps: 10001 }, "t.json"), /t\.json: retentionBps: 10001 is above 10000/);
      await create(
        tenderFile({ bidDeadline: "2001-01-01" }, "t.json"),
        /t\.json: bidDeadline \(2001-01-01 00:00:00 UTC\) is not in the future/,
      );
      await create(
        tenderFile({ bidDeadline: "+5d", revealDeadline: "+5d" }, "t.json"),
        /t\.json: revealDeadline .* must come after bidDeadline/,
      );
      await create(tenderFile({ bidDeadline: "tomorrow" }, "t.json"), /t\.json: bidDeadline: "tomorrow" is not a time/);
      await create(
        tenderFile({ milestones: [] }, "t.json"),
        /t\.json: "milestones" must be a list of 1 to 32 milestones/,
      );
      const one = (m: Record<string, unknown>) =>
        tenderFile({ milestones: [{ shareBps: 10000, duration: "1d", description: "all", ...m }] }, "t.json");
      await create(one({ shareBps: 9000 }), /t\.json: milestone shares sum to 9000 basis points, not 10000/);
      await create(one({ shareBps: 0 }), /t\.json: milestones\[0\]\.shareBps: 0 is below 1/);
      await create(one({ duration: "101y" }), /t\.json: milestones\[0\]\.duration: 101y is longer than 100 years/);
      await create(one({ duration: "soon" }), /t\.json: milestones\[0\]\.duration: "soon" is not a duration/);
      await create(one({ description: "" }), /t\.json: "milestones\[0\]\.description" is empty/);
      await create(one({ note: "x" }), /t\.json: milestones\[0\]: unknown field "note"/);
      await create(
        tenderFile({}, "t.json"),
        /does not hold PROCUREMENT_OFFICER \(role 2\), which ProcurementEscrow\.createTender\(bytes32,bytes32,uint256,uint256,uint64,uint64,uint16,uint8,\(uint16,uint64,bytes32\)\[\]\) needs/,
        "1",
      );
    });

    it("bid, award, show: ids, prices, files", async function () {
      await proc("create-tender", { file: tenderFile({ bidDeadline: "+1d", revealDeadline: "+2d" }), signer: OFFICER }); // 5
      const base = { tender: "5", price: "1000", proposal: "p", out: bidFile("t5"), signer: BIDDERS[3] };
      await fails("bid", { ...base, tender: "50" }, /--tender: no tender 50 \(ids are 1\.\.5\)/);
      await fails("bid", { ...base, tender: "x" }, /--tender: "x" is not a whole number/);
      await fails("bid", { ...base, price: "0" }, /--price must be greater than 0/);
      await fails("bid", { ...base, price: "500000.01" }, /--price 500000\.01 is above the tender's maximum 500000\.0/);
      await fails("bid", { ...base, proposal: "" }, /--proposal is required/);
      await fails(
        "bid",
        { ...base, out: bidFile("b0") },
        /--out: .*b0\.bid\.json exists and is not the secret of this bidder's bid on tender 5/,
      );
      await fails("bid", { ...base, signer: "16" }, /The bid bond is 1000\.0; 0x\w+ holds 0\.0/);
      // a seal sent without the task, for a price above the maximum: the reveal's refusal is decoded
      const rogue = h.signers[15];
      await h.token.mint(rogue.address, 1_000n * U);
      await h.token.connect(rogue).approve(await h.escrow.getAddress(), 1_000n * U);
      const over = {
        chainId: 31337n,
        escrow: await h.escrow.getAddress(),
        tenderId: 5n,
        bidder: rogue.address,
        price: 600_000n * U,
        proposalHash: encodeBytes32String("p"),
        salt: encodeBytes32String("salt"),
      };
      writeBidSecret(bidFile("over"), { ...over, seal: computeSeal(over) });
      await h.escrow.connect(rogue).submitBid(5n, computeSeal(over));
      await h.advance(DAY);
      await fails(
        "reveal",
        { file: bidFile("over"), signer: "15" },
        /the transaction was refused: Procurement_InvalidPrice\(5, 600000000000, 500000000000\)/,
      );
      await fails("award", { tender: "0" }, /--tender: 0 is below 1/);
      await fails("show", {}, /give either --tender <id> or --agreement <id>/);
      await fails("show", { agreement: "9" }, /--agreement: no agreement 9 \(ids are 1\.\.2\)/);
    });

    it("milestones: ids, indices, roles, statuses", async function () {
      const base = { agreement: "1", index: "0", signer: INSPECTOR_A };
      await fails("approve-milestone", { ...base, index: "3" }, /--index: 3 is above 2/);
      await fails("approve-milestone", { ...base, index: "-1" }, /--index: "-1" is not a whole number/);
      await fails("approve-milestone", { ...base, agreement: "7" }, /--agreement: no agreement 7 \(ids are 1\.\.2\)/);
      await fails("approve-milestone", base, /agreement 1 is Completed, not Active/);
      // a fresh agreement for the status and role checks
      await proc("create-tender", { file: tenderFile({ bidDeadline: "+1d", revealDeadline: "+2d" }), signer: OFFICER }); // 6
      await proc("bid", { tender: "6", price: "100", proposal: "p", out: bidFile("t6"), signer: BIDDERS[0] });
      await h.advance(DAY);
      await proc("reveal", { file: bidFile("t6"), signer: BIDDERS[0] });
      await h.advance(DAY);
      await proc("award", { tender: "6" }); // agreement 3
      const a3 = { agreement: "3", index: "0" };
      await fails(
        "approve-milestone",
        { ...a3, signer: INSPECTOR_A },
        /milestone 0 of agreement 3 is Pending: only a Submitted milestone is approved/,
      );
      await fails(
        "submit-milestone",
        { ...a3, evidence: "x", signer: BIDDERS[1] },
        /only the contractor 0x\w+ submits milestones of agreement 3/,
      );
      await fails("submit-milestone", { ...a3, evidence: "", signer: BIDDERS[0] }, /--evidence is required/);
      await proc("submit-milestone", { ...a3, evidence: "x", signer: BIDDERS[0] });
      await fails(
        "submit-milestone",
        { ...a3, evidence: "x", signer: BIDDERS[0] },
        /is Submitted: only a Pending or Rejected milestone is submitted/,
      );
      await fails(
        "approve-milestone",
        { ...a3, signer: BIDDERS[0] },
        /is the contractor of agreement 3 and may not inspect it/,
      );
      await fails(
        "approve-milestone",
        { ...a3, signer: "9" },
        /does not hold INSPECTOR \(role 3\), which ProcurementEscrow\.approveMilestone\(uint256,uint256\) needs/,
      );
      await fails("reject-milestone", { ...a3, reason: "", signer: INSPECTOR_A }, /--reason is required/);
      await fails("withdraw-owed", { signer: BIDDERS[0] }, /is owed nothing by the escrow/);
    });
  });
});

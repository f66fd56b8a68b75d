/**
 * Payments the token refuses, on the real contracts: the suite deployed on a token with a
 * blocklist (like USDC). A refund to a blocked applicant is deferred (`RefundDeferred`) until
 * `RefundClaimed`; a bond refund and a milestone payment to a blocked bidder are deferred
 * (`PaymentDeferred`) until `OwedWithdrawn`. While deferred the money is still held by the
 * module, and the audit must say so and stay consistent; losing a deferral log must not.
 */
import { expect } from "chai";
import { encodeBytes32String, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import CivicLedgerWithTokenModule from "../../deploy/modules/CivicLedgerWithToken.js";
import { INTERFACES } from "../../scripts/lib/audit/abi.js";
import { exitCodeOf, runAudit, type AuditReport } from "../../scripts/lib/audit/index.js";
import type { RawLog } from "../../scripts/lib/audit/fetch.js";
import type { Eip1193 } from "../../scripts/lib/audit/rpc.js";
import { computeSeal } from "../../scripts/lib/procurement.js";
import { ROLES } from "../../scripts/lib/roles.js";
import type {
  AccessManager,
  BlocklistToken,
  BudgetLedger,
  PermitRegistry,
  ProcurementEscrow,
} from "../../types/ethers-contracts/index.js";
import { text } from "./scenario.js";

const U = 1_000_000n;
const ROADS = encodeBytes32String("ROADS-2027");

describe("Audit: payments and refunds the token refuses (blocklist token, in process)", function () {
  this.timeout(300_000);
  let connection: NetworkConnection;
  let addresses: Record<string, string>;
  let firstBlock: number;
  const audit = (provider?: Eip1193) =>
    runAudit({
      provider: provider ?? (connection.provider as unknown as Eip1193),
      addresses,
      fromBlock: firstBlock,
    });
  const moduleRow = (report: AuditReport, kind: string) => report.modules.find((m) => m.kind === kind)!;
  const done = async (tx: Promise<ContractTransactionResponse>) => (await (await tx).wait())!;
  let token: BlocklistToken;
  let permits: PermitRegistry;
  let escrow: ProcurementEscrow;
  let actors: Awaited<ReturnType<NetworkConnection["ethers"]["getSigners"]>>;
  const mid: Record<string, AuditReport> = {};

  before(async function () {
    connection = await network.create();
    const { ethers, ignition } = connection;
    actors = await ethers.getSigners();
    const [treasury, finance, office, licensing, inspector, fireAgency, applicant, bidderA, bidderB, refundTo] = actors;
    firstBlock = (await ethers.provider.getBlockNumber()) + 1;
    token = (await ethers.deployContract("BlocklistToken")) as unknown as BlocklistToken;
    const deployed = await ignition.deploy(CivicLedgerWithTokenModule, {
      parameters: { CivicLedgerWithToken: { token: await token.getAddress(), adminDelay: 0 } },
    });
    addresses = {
      AccessManager: await deployed.AccessManager.getAddress(),
      BudgetLedger: await deployed.BudgetLedger.getAddress(),
      PermitRegistry: await deployed.PermitRegistry.getAddress(),
      ProcurementEscrow: await deployed.ProcurementEscrow.getAddress(),
      SubsidyDisbursement: await deployed.SubsidyDisbursement.getAddress(),
    };
    const manager = (await ethers.getContractAt("AccessManager", addresses.AccessManager)) as unknown as AccessManager;
    const ledger = (await ethers.getContractAt("BudgetLedger", addresses.BudgetLedger)) as unknown as BudgetLedger;
    permits = (await ethers.getContractAt("PermitRegistry", addresses.PermitRegistry)) as unknown as PermitRegistry;
    escrow = (await ethers.getContractAt(
      "ProcurementEscrow",
      addresses.ProcurementEscrow,
    )) as unknown as ProcurementEscrow;
    for (const [role, who] of [
      [ROLES.BUDGET_OFFICER, finance],
      [ROLES.PROCUREMENT_OFFICER, office],
      [ROLES.PERMIT_OFFICER, licensing],
      [ROLES.INSPECTOR, inspector],
      [100n, fireAgency],
    ] as const) {
      await done(manager.grantRole(role, who.address, 0));
    }
    await done(token.mint(treasury.address, 1_000_000n * U));
    await done(token.approve(addresses.BudgetLedger, 1_000_000n * U));
    await done(ledger.deposit(1_000_000n * U, encodeBytes32String("TAX")));
    await done(ledger.connect(finance).createLine(ROADS, 2027, 500_000n * U, "Roads 2027"));

    // A refund the token refuses: deferred, then claimed to another address.
    await done(permits.connect(licensing).definePermitType("Kiosk", 100n * U, 86_400n * 365n, [100n], false));
    await done(token.mint(applicant.address, 100n * U));
    await done(token.connect(applicant).approve(addresses.PermitRegistry, 100n * U));
    await done(permits.connect(applicant).submitApplication(1n, text("kiosk plan")));
    await done(token.setBlocked(applicant.address, true));
    await done(permits.connect(fireAgency).recordCheck(1n, 100n, false, text("no fire exit")));
    mid.refundOwed = await audit();
    await done(token.setBlocked(applicant.address, false));
    await done(permits.connect(applicant).claimRefund(refundTo.address));

    // A bond refund and a milestone payment the token refuses: owed, then withdrawn.
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const milestones = [
      { shareBps: 5_000, duration: 86_400n, descriptionHash: text("half") },
      { shareBps: 5_000, duration: 2n * 86_400n, descriptionHash: text("rest") },
    ];
    await done(
      escrow
        .connect(office)
        .createTender(
          ROADS,
          text("culvert"),
          100_000n * U,
          1_000n * U,
          now + 86_400n,
          now + 2n * 86_400n,
          1_000,
          1,
          milestones,
        ),
    );
    const chainId = (await ethers.provider.getNetwork()).chainId;
    const offers = [
      { bidder: bidderA, price: 80_000n * U },
      { bidder: bidderB, price: 90_000n * U },
    ];
    const seal = (o: (typeof offers)[number]) => ({
      chainId,
      escrow: addresses.ProcurementEscrow,
      tenderId: 1n,
      bidder: o.bidder.address,
      price: o.price,
      proposalHash: text(`proposal ${o.bidder.address}`),
      salt: text(`salt ${o.bidder.address}`),
    });
    for (const o of offers) {
      await done(token.mint(o.bidder.address, 1_000n * U));
      await done(token.connect(o.bidder).approve(addresses.ProcurementEscrow, 1_000n * U));
      await done(escrow.connect(o.bidder).submitBid(1n, computeSeal(seal(o))));
    }
    await ethers.provider.send("evm_setNextBlockTimestamp", [`0x${(now + 86_400n).toString(16)}`]);
    await done(token.setBlocked(bidderA.address, true));
    for (const o of offers) {
      const s = seal(o);
      await done(escrow.connect(o.bidder).revealBid(1n, o.price, s.proposalHash, s.salt));
    }
    await ethers.provider.send("evm_setNextBlockTimestamp", [`0x${(now + 2n * 86_400n).toString(16)}`]);
    await done(escrow.award(1n));
    await done(escrow.connect(bidderA).submitMilestone(1n, 0n, text("half done")));
    await done(escrow.connect(inspector).approveMilestone(1n, 0n));
    mid.paymentOwed = await audit();
    await done(token.setBlocked(bidderA.address, false));
    await done(escrow.connect(bidderA).withdrawOwed(bidderA.address));
    await done(escrow.connect(bidderA).submitMilestone(1n, 1n, text("all done")));
    await done(escrow.connect(inspector).approveMilestone(1n, 1n));
  });

  after(async function () {
    await connection?.close();
  });

  it("counts a deferred refund as held by the registry until it is claimed", async function () {
    const report = mid.refundOwed;
    expect(report.mismatches).to.deep.equal([]);
    expect(moduleRow(report, "PermitRegistry")).to.include({
      held: (100n * U).toString(),
      deferred: (100n * U).toString(),
    });
    expect(report.applications[0]).to.include({ status: "rejected" });
    const final = await audit();
    expect(final.mismatches).to.deep.equal([]);
    expect(moduleRow(final, "PermitRegistry")).to.include({ held: "0", deferred: "0", balance: "0" });
  });

  it("counts a deferred bond refund and milestone payment as held by the escrow until withdrawn", async function () {
    const report = mid.paymentOwed;
    expect(report.mismatches).to.deep.equal([]);
    // The bond (1,000) and the first milestone net of 10 % retention (36,000) are owed to the
    // bidder; the second milestone (40,000) and the retention (4,000) are unpaid.
    expect(moduleRow(report, "ProcurementEscrow")).to.include({
      deferred: (37_000n * U).toString(),
      held: (81_000n * U).toString(),
    });
    const [, , , , , , , bidderA] = actors;
    expect(await escrow.owedTo(bidderA.address, { blockTag: report.block })).to.equal(37_000n * U);
    const final = await audit();
    expect(final.mismatches).to.deep.equal([]);
    expect(exitCodeOf(final)).to.equal(0);
    expect(moduleRow(final, "ProcurementEscrow")).to.include({ held: "0", deferred: "0", balance: "0" });
    expect(final.agreements[0]).to.include({ status: "completed", paid: (80_000n * U).toString() });
  });

  for (const event of ["PaymentDeferred", "OwedWithdrawn", "RefundDeferred", "RefundClaimed"] as const) {
    it(`is inconsistent when the ${event} log is lost`, async function () {
      const kind = event.startsWith("Refund") ? "PermitRegistry" : "ProcurementEscrow";
      const topic = INTERFACES[kind].getEvent(event)!.topicHash;
      let dropped = 0;
      const base = connection.provider as unknown as Eip1193;
      const provider: Eip1193 = {
        async request(args) {
          const result = await base.request(args);
          if (args.method !== "eth_getLogs" || dropped > 0) return result;
          const logs = result as RawLog[];
          const i = logs.findIndex((l) => l.topics[0]?.toLowerCase() === topic);
          if (i < 0) return result;
          dropped++;
          return logs.filter((_, j) => j !== i);
        },
      };
      const report = await audit(provider);
      expect(dropped).to.equal(1);
      expect(exitCodeOf(report)).to.equal(1);
      const fields = report.mismatches.map((m) => m.field).join("\n");
      expect(fields).to.match(/token Transfer|token balance|owed|refund/i);
    });
  }
});

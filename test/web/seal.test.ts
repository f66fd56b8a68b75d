/**
 * The portal's sealed bids agree with the CLI's: the same seal for the same bid, and bid secret
 * files that each side writes and the other reads (scripts/lib/procurement.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import {
  computeSeal as cliSeal,
  newSalt as cliSalt,
  readBidSecret,
  writeBidSecret,
} from "../../scripts/lib/procurement.js";
import {
  BidFileError,
  bidFileText,
  computeSeal,
  newSalt,
  parseBidFile,
  type BidSecret,
} from "../../web/src/wallet/seal.js";

describe("Portal: sealed bids and bid secret files (compatible with the CLI)", function () {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "civic-seal-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const bid = (): Omit<BidSecret, "seal"> => ({
    chainId: 31337n,
    escrow: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    tenderId: 7n,
    bidder: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    price: 123_456_789n,
    proposalHash: `0x${"ab".repeat(32)}`,
    salt: newSalt(),
  });

  it("makes 32-byte salts from crypto.getRandomValues, never the same twice", function () {
    const salts = new Set(Array.from({ length: 64 }, newSalt));
    expect(salts.size).to.equal(64);
    for (const s of salts) expect(s).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("computes SPEC's seal exactly as the CLI does", function () {
    for (let i = 0; i < 8; i++) {
      const b = {
        ...bid(),
        salt: i % 2 === 0 ? newSalt() : (cliSalt() as `0x${string}`),
        price: BigInt(i + 1) * 1_000n,
      };
      expect(computeSeal(b)).to.equal(cliSeal(b));
    }
  });

  it("writes files the CLI reads, and reads the files the CLI writes", function () {
    const b = bid();
    const secret = { ...b, seal: computeSeal(b) };
    const ours = join(dir, "ours.json");
    writeFileSync(ours, bidFileText(secret));
    const read = readBidSecret(ours);
    expect(read).to.deep.equal({ ...secret, escrow: secret.escrow, bidder: secret.bidder });

    const theirs = join(dir, "theirs.json");
    writeBidSecret(theirs, { ...b, seal: cliSeal(b) });
    expect(parseBidFile(readFileSync(theirs, "utf8"))).to.deep.equal(secret);
  });

  it("refuses a file that is not JSON, lacks a field, or whose fields do not give its seal", function () {
    const b = bid();
    const good = JSON.parse(bidFileText({ ...b, seal: computeSeal(b) })) as Record<string, string>;
    const reason = (text: string) => {
      try {
        parseBidFile(text);
        return "accepted";
      } catch (error) {
        expect(error).to.be.instanceOf(BidFileError);
        return `${(error as BidFileError).reason}${(error as BidFileError).field ? `:${(error as BidFileError).field}` : ""}`;
      }
    };
    expect(reason("not json")).to.equal("notJson");
    expect(reason(JSON.stringify({ ...good, salt: undefined }))).to.equal("missingField:salt");
    expect(reason(JSON.stringify({ ...good, price: "123456790" }))).to.equal("damaged");
    expect(reason(JSON.stringify({ ...good, escrow: "0x1234" }))).to.equal("damaged");
    expect(reason(JSON.stringify(good))).to.equal("accepted");
  });
});

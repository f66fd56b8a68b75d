/**
 * The roster library (scripts/lib/roster): CSV checks reported by line, trees equal to
 * OpenZeppelin's StandardMerkleTree, and the tree file's lookups.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { getAddress, hexlify, keccak256, randomBytes } from "ethers";

import {
  MAX_ISSUES,
  RosterError,
  RosterFile,
  RosterFileError,
  buildRosterFile,
  buildTree,
  dataPathFor,
  leafHash,
  progressBar,
  proofOf,
  readRosterCsv,
  rowsFromCsvText,
  rowsFromValues,
  verifyProof,
  writeRosterFile,
} from "../../scripts/lib/roster/index.js";
import { Keccak256 } from "../../scripts/lib/roster/keccak.js";

const ENCODING = ["uint256", "address", "uint256"];
const fresh = () => getAddress(hexlify(randomBytes(20)));
const A = "0x1111111111111111111111111111111111111111";
const B = "0x2222222222222222222222222222222222222222";

/** A mixed-case address whose EIP-55 checksum is wrong (one letter's case flipped). */
function badChecksum(): string {
  for (;;) {
    const address = getAddress(fresh());
    const k = [...address].findIndex((c, i) => i > 1 && /[a-fA-F]/.test(c));
    if (k < 0) continue;
    const c = address[k];
    const flipped =
      address.slice(0, k) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + address.slice(k + 1);
    if (/[a-f]/.test(flipped.slice(2)) && /[A-F]/.test(flipped.slice(2))) return flipped;
  }
}

function issuesOf(text: string): Array<{ line: number; message: string }> {
  try {
    rowsFromCsvText(text);
  } catch (error) {
    expect(error).to.be.instanceOf(RosterError);
    return (error as RosterError).issues;
  }
  throw new Error("expected a RosterError");
}

describe("roster library", function () {
  let dir: string;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), "roster-test-"));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  describe("CSV", function () {
    it("reads rows in file order, tolerating a BOM, CRLF, spaces and blank lines", function () {
      const rows = rowsFromCsvText(`\ufeffBeneficiary, Amount\r\n${A} , 5\r\n\r\n  ${B},7\r\n`);
      expect(rows.count).to.equal(2);
      expect(rows.total).to.equal(12n);
      expect(Array.from(rows.lines)).to.deep.equal([2, 4]);
      expect(`0x${Buffer.from(rows.beneficiaries.subarray(20, 40)).toString("hex")}`).to.equal(B);
    });

    it("accepts checksummed, lower-case and upper-case addresses", function () {
      const address = fresh();
      const rows = rowsFromCsvText(
        `beneficiary,amount\n${address},1\n${fresh().toLowerCase()},2\n0x${fresh().slice(2).toUpperCase()},3\n`,
      );
      expect(rows.count).to.equal(3);
    });

    const cases: Array<[string, string, number, RegExp]> = [
      ["a bad address", `${A.slice(0, 41)},5`, 2, /not an address/],
      ["a non-hex address", `0x${"g".repeat(40)},5`, 2, /not an address/],
      ["a wrong checksum", `${badChecksum()},5`, 2, /checksum/],
      ["the zero address", `0x${"0".repeat(40)},5`, 2, /zero address/],
      ["a zero amount", `${A},0`, 2, /amount is 0/],
      ["a decimal amount", `${A},1.5`, 2, /not a whole number/],
      ["a negative amount", `${A},-3`, 2, /not a whole number/],
      ["an exponent", `${A},1e6`, 2, /not a whole number/],
      ["a missing amount", `${A},`, 2, /missing/],
      ["a missing column", `${A}`, 2, /expected "beneficiary,amount"/],
      ["an extra column", `${A},5,x`, 2, /2 columns/],
      ["an amount above 2^128 - 1", `${A},${2n ** 128n}`, 2, /more than a programme can hold/],
    ];
    for (const [what, row, line, message] of cases) {
      it(`reports ${what} with its line number`, function () {
        const issues = issuesOf(`beneficiary,amount\n${row}\n`);
        expect(issues).to.have.length(1);
        expect(issues[0].line).to.equal(line);
        expect(issues[0].message).to.match(message);
      });
    }

    it("reports a duplicate beneficiary with both lines (any case)", function () {
      const issues = issuesOf(
        `beneficiary,amount\n${A},1\n${B},2\n\n${A.toUpperCase().replace("0X", "0x")},3\n${A},4\n`,
      );
      expect(issues.map((i) => i.line)).to.deep.equal([5, 6]);
      expect(issues[0].message).to.match(/listed already on line 2/);
      expect(issues[1].message).to.match(/listed already on line 2/);
    });

    it("reports a wrong header, an empty file and a file without rows", function () {
      expect(issuesOf(`address,value\n${A},1\n`)[0]).to.deep.include({ line: 1 });
      expect(issuesOf(`address,value\n${A},1\n`)[0].message).to.match(/expected the header/);
      expect(issuesOf("")[0].message).to.match(/empty file/);
      expect(issuesOf("beneficiary,amount\n\n")[0].message).to.match(/no rows/);
    });

    it("reports a total above 2^128 - 1", function () {
      const half = 2n ** 127n;
      expect(issuesOf(`beneficiary,amount\n${A},${half}\n${B},${half}\n`)[0].message).to.match(/add up to/);
    });

    it("lists every problem (sorted by line), stopping after MAX_ISSUES", function () {
      const issues = issuesOf(`beneficiary,amount\n${A},0\nnope,1\n${B},x\n`);
      expect(issues.map((i) => i.line)).to.deep.equal([2, 3, 4]);
      const many = ["beneficiary,amount", ...Array.from({ length: 30 }, () => `${A},0`)].join("\n");
      expect(() => rowsFromCsvText(many)).to.throw(RosterError, /further lines not checked/);
      const lines = issuesOf(many).map((i) => i.line);
      expect(lines).to.deep.equal(Array.from({ length: MAX_ISSUES }, (_, k) => k + 2));
    });

    it("tolerates no final line end, whitespace-only lines, tabs and quoted fields and header", function () {
      const rows = rowsFromCsvText(`"Beneficiary"\t,\t"AMOUNT"\n \t \n"${A}","5"\n\t${B}\t,\t" 7 "`);
      expect(rows.count).to.equal(2);
      expect(rows.total).to.equal(12n);
      expect(Array.from(rows.lines)).to.deep.equal([3, 4]);
    });

    it("reads leading zeros as decimal (007 is 7, not octal)", function () {
      const rows = rowsFromCsvText(
        `beneficiary,amount\n${A},007\n${B},0000000000000000000000000000000000000000000012\n`,
      );
      expect(rows.total).to.equal(19n);
      expect(issuesOf(`beneficiary,amount\n${A},000\n`)[0].message).to.match(/amount is 0/);
    });

    it("refuses huge amounts without parsing them, and accepts 2^128 - 1 exactly", function () {
      const max = 2n ** 128n - 1n;
      expect(rowsFromCsvText(`beneficiary,amount\n${A},${max}\n`).total).to.equal(max);
      const issues = issuesOf(`beneficiary,amount\n${A},${"9".repeat(100_000)}\n${B},${max + 1n}\n`);
      expect(issues.map((i) => i.line)).to.deep.equal([2, 3]);
      expect(issues[0].message).to.match(/100000 digits\) is more than a programme can hold/);
      expect(issues[0].message.length).to.be.below(200);
      expect(issues[1].message).to.match(/more than a programme can hold/);
    });

    const refused: Array<[string, string, RegExp]> = [
      ["a decimal amount with zeros", `${A},150.000000`, /not a whole number/],
      ["a plus sign", `${A},+5`, /not a whole number/],
      ["an underscore separator", `${A},1_000`, /not a whole number/],
      ["a thousands separator in quotes", `${A},"1,000"`, /2 columns.*no thousands separator/],
      ["a non-breaking space in an address (shown escaped)", `${A}\u00a0,5`, /\\u\{a0\}" is not an address/],
      ["a BOM in the middle of the file (shown escaped)", `\ufeff${A},5`, /"\\u\{feff\}0x.*is not an address/],
      ["an address without 0x", `${A.slice(2)},5`, /not an address/],
      ["a semicolon separator", `${A};5`, /separator must be a comma/],
      ["an unbalanced quote", `"${A},5`, /not an address/],
    ];
    for (const [what, row, message] of refused) {
      it(`reports ${what} with its line number`, function () {
        const issues = issuesOf(`beneficiary,amount\n\n${row}\n`);
        expect(issues).to.have.length(1);
        expect(issues[0].line).to.equal(3);
        expect(issues[0].message).to.match(message);
      });
    }

    it("explains a header with another separator, lone CR line ends or no header at all", function () {
      expect(issuesOf(`beneficiary;amount\n${A};5\n`)[0].message).to.match(/separator must be a comma/);
      expect(issuesOf(`beneficiary\tamount\n`)[0].message).to.match(/separator must be a comma/);
      const cr = issuesOf(`beneficiary,amount\r${A},5\r${B},6\r`);
      expect(cr).to.have.length(1);
      expect(cr[0].line).to.equal(1);
      expect(cr[0].message).to.match(/lone CR/);
      expect(issuesOf(`${A},5\n${B},6\n`)[0].message).to.match(/first line must be the header/);
      expect(issuesOf(`amount,beneficiary\n5,${A}\n`)[0]).to.deep.include({ line: 1 });
      expect(issuesOf("\ufeff")[0].message).to.match(/empty file/);
    });

    it("accepts an all-upper-case address with a 0X prefix and checks every mixed-case one", function () {
      const upper = `0X${A.slice(2).replace(/1/g, "A").toUpperCase()}`;
      expect(rowsFromCsvText(`beneficiary,amount\n${upper},1\n`).count).to.equal(1);
      const good = getAddress(fresh());
      const issues = issuesOf(`beneficiary,amount\n${good},1\n${badChecksum()},2\n${good.toLowerCase()},3\n`);
      expect(issues.map((i) => [i.line, /checksum|listed already/.test(i.message)])).to.deep.equal([
        [3, true],
        [4, true],
      ]);
    });

    it("reads a file in any chunk size as it reads the text (lines split across chunks, CRLF, BOM)", function () {
      const text =
        `\ufeffbeneficiary,amount\r\n` +
        Array.from({ length: 40 }, (_, i) => `${getAddress(fresh())},${i + 1}\r\n${i % 7 === 0 ? "\r\n" : ""}`).join(
          "",
        );
      const csv = join(dir, "chunks.csv");
      writeFileSync(csv, text);
      const whole = rowsFromCsvText(text);
      for (const size of [1, 2, 3, 7, 43, 44, 45, 64, 1000]) {
        const rows = readRosterCsv(csv, undefined, size);
        expect(rows.count).to.equal(40);
        expect(rows.total).to.equal(whole.total);
        expect(Buffer.from(rows.beneficiaries).equals(Buffer.from(whole.beneficiaries)), `chunk ${size}`).to.equal(
          true,
        );
        expect(Array.from(rows.lines)).to.deep.equal(Array.from(whole.lines));
      }
      writeFileSync(csv, `beneficiary,amount\n${A},1\n${A},2`);
      for (const size of [1, 5, 50]) expect(() => readRosterCsv(csv, undefined, size)).to.throw(RosterError, /line 3/);
    });

    it("writes nothing when the CSV has a problem, and leaves an earlier tree file as it was", function () {
      const sub = mkdtempSync(join(dir, "nothing-"));
      const csv = join(sub, "bad.csv");
      const out = join(sub, "bad.json");
      writeFileSync(csv, `beneficiary,amount\n${A},1\n${A},2\n`);
      expect(() => buildRosterFile(csv, out)).to.throw(RosterError, /line 3/);
      expect(readdirSync(sub)).to.deep.equal(["bad.csv"]);
      // a good build, then a bad CSV over the same output: the first tree file stays whole
      writeFileSync(csv, `beneficiary,amount\n${A},1\n`);
      buildRosterFile(csv, out);
      const before = [readFileSync(out), readFileSync(dataPathFor(out))];
      writeFileSync(csv, `beneficiary,amount\n${A},1\n${B},x\n`);
      expect(() => buildRosterFile(csv, out)).to.throw(RosterError, /line 3/);
      expect([readFileSync(out), readFileSync(dataPathFor(out))]).to.deep.equal(before);
      expect(readdirSync(sub).sort()).to.deep.equal(["bad.bin", "bad.csv", "bad.json"]);
    });

    it("leaves no temporary file when writing fails", function () {
      const rows = rowsFromValues([{ beneficiary: A, amount: 1n }]);
      const sub = mkdtempSync(join(dir, "fail-"));
      const out = join(sub, "missing-folder", "r.json");
      expect(() => writeRosterFile(out, rows, buildTree(rows), "x.csv")).to.throw(/ENOENT/);
      // the header's rename fails (a folder is in the way): the data file's temporary is gone too
      const blocked = join(sub, "blocked.json");
      mkdirSync(blocked);
      writeFileSync(join(blocked, "keep"), "");
      expect(() => writeRosterFile(blocked, rows, buildTree(rows), "x.csv")).to.throw();
      expect(readdirSync(sub).filter((f) => f.includes("partial"))).to.deep.equal([]);
    });
  });

  describe("tree", function () {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100, 257]) {
      it(`equals StandardMerkleTree.of for ${n} rows: root, every proof, and OpenZeppelin's verify`, function () {
        const values = Array.from({ length: n }, (_, i) => ({ beneficiary: fresh(), amount: BigInt(1 + i * 997) }));
        const tree = buildTree(rowsFromValues(values));
        const oz = StandardMerkleTree.of(
          values.map((v, i) => [i, v.beneficiary, v.amount]),
          ENCODING,
        );
        expect(tree.root).to.equal(oz.root);
        for (let i = 0; i < n; i++) {
          const proof = proofOf(tree, i);
          expect(proof).to.deep.equal(oz.getProof(i));
          expect(StandardMerkleTree.verify(oz.root, ENCODING, [i, values[i].beneficiary, values[i].amount], proof)).to
            .be.true;
          expect(leafHash(i, values[i].beneficiary, values[i].amount)).to.equal(
            oz.leafHash([i, values[i].beneficiary, values[i].amount]),
          );
        }
      });
    }

    it("gives proofs that do not verify for a tampered index, beneficiary or amount", function () {
      const values = Array.from({ length: 6 }, () => ({ beneficiary: fresh(), amount: 10n }));
      const tree = buildTree(rowsFromValues(values));
      const proof = proofOf(tree, 2);
      expect(verifyProof(tree.root, leafHash(2, values[2].beneficiary, 10n), proof)).to.equal(true);
      expect(verifyProof(tree.root, leafHash(3, values[2].beneficiary, 10n), proof)).to.equal(false);
      expect(verifyProof(tree.root, leafHash(2, values[3].beneficiary, 10n), proof)).to.equal(false);
      expect(verifyProof(tree.root, leafHash(2, values[2].beneficiary, 11n), proof)).to.equal(false);
    });
  });

  describe("tree file", function () {
    let values: Array<{ beneficiary: string; amount: bigint }>;
    let out: string;
    before(function () {
      values = Array.from({ length: 5_000 }, (_, i) => ({ beneficiary: fresh(), amount: BigInt(1_000 + i) }));
      const csv = join(dir, "roster.csv");
      writeFileSync(
        csv,
        ["beneficiary,amount", ...values.map((v) => `${v.beneficiary.toLowerCase()},${v.amount}`)].join("\n"),
      );
      out = join(dir, "roster.json");
      buildRosterFile(csv, out);
    });

    it("writes a header with the root, count, total and sections", function () {
      const header = JSON.parse(readFileSync(out, "utf8"));
      const oz = StandardMerkleTree.of(
        values.map((v, i) => [i, v.beneficiary, v.amount]),
        ENCODING,
      );
      expect(header.format).to.equal("civic-ledger-roster-v1");
      expect(header.root).to.equal(oz.root);
      expect(header.count).to.equal(5_000);
      expect(header.total).to.equal(values.reduce((s, v) => s + v.amount, 0n).toString());
      expect(header.proofLength).to.deep.equal({ min: 12, max: 13 });
      expect(header.data).to.equal("roster.bin");
      expect(header.sections.nodes).to.deep.equal({ offset: 0, length: 9_999 * 32 });
      expect(header.sections.entries).to.deep.equal({ offset: 9_999 * 32, length: 5_000 * 56 });
      expect(header.sections.byBeneficiary.length).to.equal(5_000 * 24);
    });

    it("looks up a claim by index or beneficiary, with OpenZeppelin's proof", function () {
      const oz = StandardMerkleTree.of(
        values.map((v, i) => [i, v.beneficiary, v.amount]),
        ENCODING,
      );
      const file = RosterFile.open(out);
      try {
        for (const i of [0, 1, 2_499, 4_998, 4_999]) {
          const claim = file.claimAt(i);
          expect(claim).to.deep.equal({
            index: i,
            beneficiary: values[i].beneficiary,
            amount: values[i].amount,
            proof: oz.getProof(i),
          });
          expect(file.claimOf(values[i].beneficiary.toLowerCase())).to.deep.equal(claim);
        }
        expect(file.claimOf(fresh())).to.equal(undefined);
        expect(() => file.claimAt(5_000)).to.throw(RosterFileError, /not in the roster/);
        expect(() => file.claimAt(-1)).to.throw(RosterFileError);
      } finally {
        file.close();
      }
    });

    it("refuses a missing, foreign or damaged file with a clear message", function () {
      expect(() => RosterFile.open(join(dir, "nothing.json"))).to.throw(RosterFileError, /does not exist/);
      const foreign = join(dir, "foreign.json");
      writeFileSync(foreign, JSON.stringify({ format: "standard-v1" }));
      expect(() => RosterFile.open(foreign)).to.throw(RosterFileError, /not a roster tree file/);
      writeFileSync(join(dir, "text.json"), "not json");
      expect(() => RosterFile.open(join(dir, "text.json"))).to.throw(RosterFileError, /not JSON/);

      // a node flipped deep in the tree: the lookup that reads it fails loudly
      const damagedHeader = join(dir, "damaged.json");
      const header = JSON.parse(readFileSync(out, "utf8"));
      writeFileSync(damagedHeader, JSON.stringify({ ...header, data: "damaged.bin" }));
      const bytes = readFileSync(dataPathFor(out));
      const file = RosterFile.open(out);
      const position = 2 * 5_000 - 2; // the last leaf node, beyond the cached top of the tree
      file.close();
      bytes[position * 32] ^= 0xff;
      writeFileSync(join(dir, "damaged.bin"), bytes);
      const damaged = RosterFile.open(damagedHeader);
      try {
        let failures = 0;
        for (let i = 0; i < 5_000; i++) {
          try {
            damaged.claimAt(i);
          } catch (error) {
            expect((error as Error).message).to.match(/damaged/);
            failures++;
          }
        }
        expect(failures).to.be.greaterThan(0);
      } finally {
        damaged.close();
      }

      // a data file of another roster
      const other = join(dir, "other.csv");
      writeFileSync(other, `beneficiary,amount\n${A},1\n`);
      buildRosterFile(other, join(dir, "other.json"));
      writeFileSync(join(dir, "mixed.json"), JSON.stringify({ ...header, data: "other.bin" }));
      expect(() => RosterFile.open(join(dir, "mixed.json"))).to.throw(RosterFileError, /do not match/);
    });
  });

  describe("keccak256", function () {
    it("equals ethers' keccak256 for every input length of one block, and beyond", function () {
      const k = new Keccak256();
      for (let n = 0; n <= 300; n++) {
        for (let round = 0; round < 4; round++) {
          const input = randomBytes(n);
          expect(hexlify(k.digest(input))).to.equal(keccak256(input), `length ${n}`);
        }
      }
    });
  });

  describe("progress bar", function () {
    it("draws on a terminal and stays silent otherwise", async function () {
      const written: string[] = [];
      const tty = { isTTY: true, columns: 80, write: (t: string) => written.push(t) > 0 };
      const bar = progressBar(tty);
      bar.phase("hashing", 10);
      await new Promise((r) => setTimeout(r, 650));
      bar.update(5);
      bar.end();
      expect(written.join("")).to.match(/hashing \[#+ *\] +50%/);
      expect(written.join("")).to.match(/100%/);
      const quiet: string[] = [];
      const pipe = progressBar({ isTTY: false, write: (t: string) => quiet.push(t) > 0 });
      pipe.phase("hashing", 10);
      pipe.update(5);
      pipe.end();
      expect(quiet).to.deep.equal([]);
    });
  });
});

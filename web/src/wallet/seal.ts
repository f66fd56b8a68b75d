/**
 * Sealed bids in the browser: the salt from crypto.getRandomValues, the seal of SPEC.md
 * (`keccak256(abi.encode(block.chainid, address(escrow), tenderId, bidder, price, proposalHash,
 * salt))`), and the bid secret file in the format of the CLI (scripts/lib/procurement.ts
 * `writeBidSecret` / `readBidSecret`): a file saved here reveals with `npx hardhat procurement
 * reveal`, and one the CLI saved reveals here.
 */
import { encodeAbiParameters, getAddress, isHex, keccak256, toHex, type Address, type Hex } from "viem";

export interface BidSecret {
  chainId: bigint;
  escrow: Address;
  tenderId: bigint;
  bidder: Address;
  price: bigint;
  proposalHash: Hex;
  salt: Hex;
  seal: Hex;
}

export function newSalt(): Hex {
  return toHex(crypto.getRandomValues(new Uint8Array(32)));
}

export function computeSeal(b: Omit<BidSecret, "seal">): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "uint256" },
        { type: "address" },
        { type: "uint256" },
        { type: "bytes32" },
        { type: "bytes32" },
      ],
      [b.chainId, b.escrow, b.tenderId, b.bidder, b.price, b.proposalHash, b.salt],
    ),
  );
}

/** The CLI's default file name: `chain-<id>-tender-<id>-<bidder>.json`. */
export const bidFileName = (s: BidSecret) => `chain-${s.chainId}-tender-${s.tenderId}-${s.bidder}.json`;

/** The JSON text of a bid secret file (as `writeBidSecret`: numbers as decimal strings). */
export function bidFileText(s: BidSecret): string {
  return JSON.stringify(
    {
      chainId: s.chainId.toString(),
      escrow: s.escrow,
      tenderId: s.tenderId.toString(),
      bidder: s.bidder,
      price: s.price.toString(),
      proposalHash: s.proposalHash,
      salt: s.salt,
      seal: s.seal,
    },
    null,
    2,
  );
}

export class BidFileError extends Error {
  override name = "BidFileError";
  constructor(
    readonly reason: "notJson" | "missingField" | "damaged",
    readonly field?: string,
  ) {
    super(reason);
  }
}

const FIELDS = ["chainId", "escrow", "tenderId", "bidder", "price", "proposalHash", "salt", "seal"] as const;

/** Reads a bid secret file's text; refuses one whose fields do not give its seal. */
export function parseBidFile(text: string): BidSecret {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new BidFileError("notJson");
  }
  if (typeof raw !== "object" || raw === null) throw new BidFileError("notJson");
  for (const key of FIELDS) if (typeof raw[key] !== "string") throw new BidFileError("missingField", key);
  const f = raw as Record<(typeof FIELDS)[number], string>;
  try {
    if (![f.proposalHash, f.salt, f.seal].every((h) => isHex(h) && h.length === 66)) throw new Error("hex");
    const secret: BidSecret = {
      chainId: BigInt(f.chainId),
      escrow: getAddress(f.escrow),
      tenderId: BigInt(f.tenderId),
      bidder: getAddress(f.bidder),
      price: BigInt(f.price),
      proposalHash: f.proposalHash as Hex,
      salt: f.salt as Hex,
      seal: f.seal as Hex,
    };
    if (computeSeal(secret).toLowerCase() === secret.seal.toLowerCase()) return secret;
  } catch {
    // a malformed field: damaged
  }
  throw new BidFileError("damaged");
}

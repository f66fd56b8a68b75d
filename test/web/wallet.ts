/**
 * A test wallet for the browser: an EIP-1193 provider injected into every page and announced
 * through EIP-6963, whose requests are answered here, in Node: accounts and signatures by a
 * local viem account, transactions signed by it and sent to anvil, everything else forwarded
 * to the node. Every transaction it sends is recorded, so a test can assert that a refused
 * simulation sent nothing.
 */
import type { BrowserContext } from "playwright-core";
import { createWalletClient, http, toHex, type Hex, type PrivateKeyAccount } from "viem";

export interface TestWallet {
  account: PrivateKeyAccount;
  /** Hashes of the transactions sent, in order. */
  sent: Hex[];
}

const ICON =
  "data:image/svg+xml;base64," +
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" fill="#0b4f8a"/></svg>',
  ).toString("base64");

/** The script that runs in the page before any of the portal's. */
const INJECTED = `(() => {
  const listeners = {};
  const provider = {
    async request({ method, params }) {
      const answer = await window.__civicTestWallet(method, params ?? []);
      if (answer.error) {
        const error = new Error(answer.error.message);
        error.code = answer.error.code;
        error.data = answer.error.data;
        throw error;
      }
      return answer.result;
    },
    on(event, fn) { (listeners[event] ??= []).push(fn); return provider; },
    removeListener(event, fn) { listeners[event] = (listeners[event] ?? []).filter((f) => f !== fn); return provider; },
  };
  const info = Object.freeze({ uuid: "5f0a3c1e-7d4b-4c8e-9a51-3b2d6e8f1a90", name: "Test Wallet", icon: ${JSON.stringify(ICON)}, rdns: "org.civic-ledger.test-wallet" });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();`;

export async function installTestWallet(
  context: BrowserContext,
  account: PrivateKeyAccount,
  rpcUrl: string,
  chainId: number,
): Promise<TestWallet> {
  const wallet: TestWallet = { account, sent: [] };
  const client = createWalletClient({ account, transport: http(rpcUrl) });
  const forward = async (method: string, params: unknown[]) => {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    return (await res.json()) as { result?: unknown; error?: unknown };
  };
  await context.exposeFunction("__civicTestWallet", async (method: string, params: unknown[]) => {
    try {
      switch (method) {
        case "eth_requestAccounts":
        case "eth_accounts":
          return { result: [account.address] };
        case "eth_chainId":
          return { result: toHex(chainId) };
        case "wallet_switchEthereumChain":
        case "wallet_revokePermissions":
          return { result: null };
        case "wallet_requestPermissions":
        case "wallet_getPermissions":
          return { result: [{ parentCapability: "eth_accounts" }] };
        case "eth_sendTransaction": {
          const tx = params[0] as { to: Hex; data?: Hex; value?: Hex; gas?: Hex };
          const hash = await client.sendTransaction({
            account,
            chain: null,
            to: tx.to,
            data: tx.data,
            value: tx.value === undefined ? undefined : BigInt(tx.value),
            gas: tx.gas === undefined ? undefined : BigInt(tx.gas),
          });
          wallet.sent.push(hash);
          return { result: hash };
        }
        case "eth_signTypedData_v4": {
          const typed = JSON.parse(params[1] as string);
          return { result: await account.signTypedData(typed) };
        }
        case "personal_sign":
          return { result: await account.signMessage({ message: { raw: params[0] as Hex } }) };
        default:
          return forward(method, params);
      }
    } catch (error) {
      return { error: { code: -32000, message: (error as Error).message.split("\n")[0] } };
    }
  });
  await context.addInitScript(INJECTED);
  return wallet;
}

/** A citizen's permits: apply (fee by ERC-2612 signature when the token has it), withdraw, renew. */
import { useId, useState, type FormEvent } from "react";
import { parseSignature, type Address, type Hex } from "viem";
import { getWalletClient } from "wagmi/actions";

import { api, type PermitType } from "../api/client";
import { permitRegistryAbi, testStablecoinAbi } from "../chain/abi";
import { Amount, AsOf, DateTime, ErrorNote, Hash, TableRegion } from "../components/common";
import { useStatus } from "../components/status";
import { useLoad } from "../components/useLoad";
import { useI18n, type MessageKey } from "../i18n";
import { hashFile } from "../pages/Permits";
import { href } from "../router";
import { getPublicClient, getWagmiConfig } from "./chain";
import { ActionResult, useAction } from "./useAction";
import type { Account } from "./WalletPage";
import { contractCall, simulateAndSend, type Sent } from "./tx";

/** An hour: the life of a fee signature. */
const PERMIT_SIGNATURE_LIFETIME = 3600n;

/** The token's ERC-2612 domain, or undefined when it has no `permit` (then approve + submit). */
async function permitDomain(token: Address, owner: Address) {
  const client = getPublicClient();
  try {
    await client.readContract({ address: token, abi: testStablecoinAbi, functionName: "nonces", args: [owner] });
    await client.readContract({ address: token, abi: testStablecoinAbi, functionName: "DOMAIN_SEPARATOR" });
  } catch {
    return undefined;
  }
  try {
    const [, name, version, chainId, verifyingContract] = await client.readContract({
      address: token,
      abi: testStablecoinAbi,
      functionName: "eip712Domain",
    });
    return { name, version, chainId, verifyingContract };
  } catch {
    const name = await client.readContract({ address: token, abi: testStablecoinAbi, functionName: "name" });
    return { name, version: "1", chainId: BigInt(client.chain!.id), verifyingContract: token };
  }
}

/**
 * Applies for a permit: without fee or with enough allowance, `submitApplication`; with an
 * ERC-2612 token, one signature and `submitApplicationWithPermit` (one transaction); otherwise
 * `approve` then `submitApplication`. Each transaction is simulated before it is sent.
 */
export async function applyForPermit(
  account: Address,
  registry: Address,
  token: Address,
  type: PermitType,
  documentHash: Hex,
): Promise<{ sent: Sent; path: "plain" | "signature" | "approve" }> {
  const fee = BigInt(type.fee);
  const typeId = BigInt(type.typeId);
  const plain = contractCall(registry, permitRegistryAbi, "submitApplication", [typeId, documentHash]);
  const client = getPublicClient();
  const allowance =
    fee === 0n
      ? 0n
      : await client.readContract({
          address: token,
          abi: testStablecoinAbi,
          functionName: "allowance",
          args: [account, registry],
        });
  if (fee === 0n || allowance >= fee) return { sent: await simulateAndSend(plain, account), path: "plain" };
  const domain = await permitDomain(token, account);
  if (domain === undefined) {
    await simulateAndSend(contractCall(token, testStablecoinAbi, "approve", [registry, fee]), account);
    return { sent: await simulateAndSend(plain, account), path: "approve" };
  }
  const nonce = await client.readContract({
    address: token,
    abi: testStablecoinAbi,
    functionName: "nonces",
    args: [account],
  });
  const block = await client.getBlock();
  const deadline = block.timestamp + PERMIT_SIGNATURE_LIFETIME;
  const wallet = await getWalletClient(getWagmiConfig(), { account });
  const signature = await wallet.signTypedData({
    account,
    domain: { ...domain, chainId: Number(domain.chainId) },
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message: { owner: account, spender: registry, value: fee, nonce, deadline },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  const call = contractCall(registry, permitRegistryAbi, "submitApplicationWithPermit", [
    typeId,
    documentHash,
    deadline,
    Number(v ?? BigInt(yParity + 27)),
    r,
    s,
  ]);
  return { sent: await simulateAndSend(call, account), path: "signature" };
}

function ApplyForm({ account, onDone }: { account: Account; onDone(): void }) {
  const { t, fmt } = useI18n();
  const status = useStatus();
  const formId = useId();
  const types = useLoad(() => api.permitTypes(), []);
  const [typeId, setTypeId] = useState("");
  const [file, setFile] = useState<File>();
  const { state, run } = useAction();
  const active = types.data?.items.filter((p) => p.active) ?? [];
  const chosen = active.find((p) => p.typeId === typeId) ?? active[0];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!status || !account.address || !chosen || !file) return;
    void run(async () => {
      const documentHash = await hashFile(file);
      const { sent, path } = await applyForPermit(
        account.address!,
        status.contracts.PermitRegistry as Address,
        status.token.address as Address,
        chosen,
        documentHash,
      );
      onDone();
      return { message: t(path === "signature" ? "citizen.appliedSigned" : "citizen.applied"), sent };
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${formId}-h`}>
      <h2 id={`${formId}-h`}>{t("citizen.apply")}</h2>
      {types.error && <ErrorNote error={types.error} />}
      <label htmlFor={`${formId}-type`}>{t("citizen.type")}</label>
      <select id={`${formId}-type`} value={chosen?.typeId ?? ""} onChange={(e) => setTypeId(e.target.value)}>
        {active.map((p) => (
          <option key={p.typeId} value={p.typeId}>
            {t("citizen.typeOption", {
              name: p.name,
              fee: status ? fmt.amount(p.fee, status.token.decimals, status.token.symbol) : p.fee,
              checks: p.checkRoles.length,
            })}
          </option>
        ))}
      </select>
      <label htmlFor={`${formId}-file`}>{t("citizen.document")}</label>
      <input
        id={`${formId}-file`}
        type="file"
        required
        onChange={(e) => setFile(e.target.files?.[0])}
        aria-describedby={`${formId}-help`}
      />
      <p id={`${formId}-help`} className="help">
        {t("citizen.documentHelp")}
      </p>
      <button type="submit" disabled={!account.ready || state.busy || !chosen}>
        {t("citizen.applyButton")}
      </button>
      {!account.ready && <p className="help">{t("wallet.connectFirst")}</p>}
      <ActionResult name="apply" state={state} />
    </form>
  );
}

export function CitizenPage({ account }: { account: Account }) {
  const { t } = useI18n();
  const status = useStatus();
  const address = account.address;
  const apps = useLoad(() => (address ? api.applicationsOf(address) : Promise.resolve(undefined)), [address]);
  const permits = useLoad(() => (address ? api.permitsOf(address) : Promise.resolve(undefined)), [address]);
  const action = useAction();
  const reload = () => {
    apps.reload();
    permits.reload();
  };
  const registry = status?.contracts.PermitRegistry as Address | undefined;
  const withdraw = (applicationId: string) =>
    void action.run(async () => {
      const sent = await simulateAndSend(
        contractCall(registry!, permitRegistryAbi, "withdrawApplication", [BigInt(applicationId)]),
        address!,
      );
      reload();
      return { message: t("citizen.withdrawn", { id: applicationId }), sent };
    });
  const renew = (permitId: string, fee: bigint) =>
    void action.run(async () => {
      const client = getPublicClient();
      const allowance = await client.readContract({
        address: status!.token.address as Address,
        abi: testStablecoinAbi,
        functionName: "allowance",
        args: [address!, registry!],
      });
      const call = contractCall(registry!, permitRegistryAbi, "renew", [BigInt(permitId)]);
      if (allowance < fee) {
        // the fee needs an allowance first (simulated and sent like every write)
        await simulateAndSend(
          contractCall(status!.token.address as Address, testStablecoinAbi, "approve", [registry!, fee]),
          address!,
        );
      }
      const sent = await simulateAndSend(call, address!);
      reload();
      return { message: t("citizen.renewed", { id: permitId }), sent };
    });
  const types = useLoad(() => api.permitTypes(), []);
  const feeOf = (typeId: string) => BigInt(types.data?.items.find((p) => p.typeId === typeId)?.fee ?? "0");
  return (
    <>
      <p className="lead">{t("citizen.lead")}</p>
      <ApplyForm account={account} onDone={reload} />
      {address && (
        <>
          <h2 id="apps-heading">{t("citizen.applications")}</h2>
          <ActionResult name="list" state={action.state} />
          {apps.error && <ErrorNote error={apps.error} />}
          {apps.data && <AsOf block={apps.data.block} />}
          {apps.data && apps.data.items.length === 0 && <p>{t("citizen.noApplications")}</p>}
          {apps.data && apps.data.items.length > 0 && (
            <TableRegion label={t("citizen.applications")}>
              <table className="data" aria-labelledby="apps-heading">
                <thead>
                  <tr>
                    <th scope="col">{t("citizen.application")}</th>
                    <th scope="col">{t("permit.type")}</th>
                    <th scope="col">{t("permit.document")}</th>
                    <th scope="col" className="num">
                      {t("citizen.fee")}
                    </th>
                    <th scope="col">{t("tenders.status")}</th>
                    <th scope="col">{t("citizen.actions")}</th>
                  </tr>
                </thead>
                <tbody>
                  {apps.data.items.map((a) => (
                    <tr key={a.applicationId} data-application={a.applicationId} data-status={a.status}>
                      <td>{a.applicationId}</td>
                      <td>{types.data?.items.find((p) => p.typeId === a.typeId)?.name ?? a.typeId}</td>
                      <td>
                        <Hash value={a.documentHash} />
                      </td>
                      <td className="num">
                        <Amount value={a.fee} />
                      </td>
                      <td>
                        {t(`applicationStatus.${a.status}` as MessageKey)}
                        {a.permitId !== "0" && a.status === "Approved" && (
                          <>
                            {" "}
                            · <a href={href("permits", a.permitId)}>{t("citizen.permitLink", { id: a.permitId })}</a>
                          </>
                        )}
                      </td>
                      <td>
                        {a.status === "Pending" && (
                          <button
                            type="button"
                            disabled={!account.ready || action.state.busy}
                            onClick={() => withdraw(a.applicationId)}
                          >
                            {t("citizen.withdraw")}
                            <span className="visually-hidden">
                              {" "}
                              {t("citizen.application")} {a.applicationId}
                            </span>
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableRegion>
          )}
          <h2 id="permits-heading">{t("citizen.permits")}</h2>
          {permits.error && <ErrorNote error={permits.error} />}
          {permits.data && permits.data.items.length === 0 && <p>{t("citizen.noPermits")}</p>}
          {permits.data && permits.data.items.length > 0 && (
            <TableRegion label={t("citizen.permits")}>
              <table className="data" aria-labelledby="permits-heading">
                <thead>
                  <tr>
                    <th scope="col">{t("citizen.permit")}</th>
                    <th scope="col">{t("permit.type")}</th>
                    <th scope="col">{t("permit.expiresAt")}</th>
                    <th scope="col">{t("tenders.status")}</th>
                    <th scope="col">{t("citizen.actions")}</th>
                  </tr>
                </thead>
                <tbody>
                  {permits.data.items.map((p) => (
                    <tr key={p.permitId} data-permit={p.permitId} data-status={p.status}>
                      <td>
                        <a href={href("permits", p.permitId)}>{t("citizen.permitLink", { id: p.permitId })}</a>
                      </td>
                      <td>{p.typeName}</td>
                      <td data-field="expiresAt">
                        <DateTime value={p.expiresAt} />
                      </td>
                      <td>{t(`permit.${p.status}`)}</td>
                      <td>
                        {(p.status === "valid" || p.status === "expired") && (
                          <button
                            type="button"
                            disabled={!account.ready || action.state.busy}
                            onClick={() => renew(p.permitId, feeOf(p.typeId))}
                          >
                            {t("citizen.renew")}
                            <span className="visually-hidden"> {t("citizen.permitLink", { id: p.permitId })}</span>
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableRegion>
          )}
        </>
      )}
    </>
  );
}

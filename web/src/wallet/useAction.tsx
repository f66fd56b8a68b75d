/** State of one write: busy, the last success, or the refusal in one sentence (announced). */
import { useCallback, useState } from "react";

import { TxLink } from "../components/common";
import { useStatus } from "../components/status";
import { useI18n } from "../i18n";
import type { Sent } from "./tx";
import { useExplain } from "./tx";

export interface ActionState {
  busy: boolean;
  done?: { message: string; hash?: string };
  refusal?: string;
}

export function useAction() {
  const status = useStatus();
  const explain = useExplain(status?.token);
  const [state, setState] = useState<ActionState>({ busy: false });
  const run = useCallback(
    async (work: () => Promise<{ message: string; sent?: Sent } | undefined>) => {
      setState({ busy: true });
      try {
        const result = await work();
        setState({ busy: false, done: result && { message: result.message, hash: result.sent?.hash } });
        return result;
      } catch (error) {
        console.error(error);
        setState({ busy: false, refusal: explain(error) });
        return undefined;
      }
    },
    [explain],
  );
  return { state, run, reset: () => setState({ busy: false }) };
}

/** The outcome of the writes of one part of a page (`name`: a hook for tests and styles). */
export function ActionResult({ state, name }: { state: ActionState; name: string }) {
  const { t } = useI18n();
  return (
    <div aria-live="polite" className="action-result" data-action={name}>
      {state.busy && <p className="loading">{t("wallet.working")}</p>}
      {state.done && (
        <p className="note note-ok" data-result="ok">
          {state.done.message}
          {state.done.hash && (
            <>
              {" "}
              {t("mv.tx")}: <TxLink hash={state.done.hash} />
            </>
          )}
        </p>
      )}
      {state.refusal && (
        <p className="note note-error" role="alert" data-result="refused">
          {state.refusal}
        </p>
      )}
    </div>
  );
}

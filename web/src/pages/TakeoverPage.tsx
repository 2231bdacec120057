import { Alert, Anchor, Button, Center, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useEffect, useReducer, useRef, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { ApiError, errorMessage } from "../api/problem";
import { session } from "../auth/session";
import { useSession } from "../auth/useSession";
import { PinKeypad } from "../components/PinKeypad";
import {
  keepsBadge,
  keypadKeyOf,
  pinDots,
  TAKEOVER_START,
  takeoverReducer,
  type KeypadKey,
} from "../lib/takeover";
import { learnStation, terminalLabel, writeTerminal } from "../lib/terminal";
import { useTerminal } from "../lib/useTerminal";

function isEditable(el: Element | null): boolean {
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || (el as HTMLElement).isContentEditable);
}

/** What went wrong, in large red text: the auth service's problem `detail`. */
function Refusal({ message, hint }: { message: string; hint?: string | null }) {
  return (
    <Alert color="red.9" variant="filled" role="alert" data-testid="takeover-problem" w="100%">
      <Text fz={30} fw={800} c="white" lh={1.25}>
        {message}
      </Text>
      {hint ? (
        <Text fz="lg" c="white" mt="xs">
          {hint}
        </Text>
      ) : null}
    </Alert>
  );
}

/**
 * A shared terminal's front door: scan or type the badge, then the PIN on the keypad. Whoever is
 * signed in now is signed out when the next person takes over.
 */
export function TakeoverPage() {
  const { t } = useTranslation();
  const terminal = useTerminal();
  const { status, claims, notice } = useSession();
  const navigate = useNavigate();
  const [state, dispatch] = useReducer(takeoverReducer, TAKEOVER_START);
  const badgeRef = useRef<HTMLInputElement>(null);
  const hint = useRef<string | null>(null);

  const submit = async (badge: string, pin: string) => {
    if (!terminal) return;
    try {
      const claims = await session.stationSignIn(terminal.key, badge, pin);
      const learnt = learnStation(terminal, claims.station);
      if (learnt) writeTerminal(learnt);
      navigate("/station", { replace: true });
    } catch (err) {
      const code = err instanceof ApiError ? err.code : undefined;
      hint.current =
        code === "station_not_registered"
          ? t("takeover.stationNotRegistered")
          : code === "sign_in_locked"
            ? t("takeover.locked")
            : null;
      dispatch({ type: "refused", keepBadge: keepsBadge(code), message: errorMessage(err) });
    }
  };

  useEffect(() => {
    if (state.step === "submitting") void submit(state.badge, state.pin);
    // only the step starts a submission (submit is a new function each render)
  }, [state.step]);

  // the keyboard works too: digits, Backspace, Escape and Enter on the PIN step; on the badge step
  // a scanner's keys go to the badge field whatever has the focus
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (state.step === "pin") {
        const key: KeypadKey | null = keypadKeyOf(e.key);
        if (key) {
          e.preventDefault();
          dispatch({ type: "key", key });
        } else if (e.key === "Enter") {
          e.preventDefault();
          dispatch({ type: "submit" });
        }
      } else if (state.step === "badge" && e.key.length === 1 && !isEditable(document.activeElement)) {
        badgeRef.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [state.step]);

  if (!terminal) {
    return (
      <Center mih="100vh" bg="gray.2" p="md">
        <Paper withBorder shadow="md" p="xl" w={560} maw="100%">
          <Stack>
            <Title order={2}>{t("takeover.notTerminal")}</Title>
            <Text size="lg">
              {t("takeover.notTerminalText")}
            </Text>
            <Button component={Link} to="/signin" size="xl" w="fit-content">
              {t("takeover.signIn")}
            </Button>
          </Stack>
        </Paper>
      </Center>
    );
  }

  const current = status === "signed-in" ? claims : null;
  const onBadge = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const raw = new FormData(e.currentTarget).get("badge");
    dispatch({ type: "badge", raw: typeof raw === "string" ? raw : "" });
  };
  const error = state.step !== "submitting" ? state.error : null;

  return (
    <Center mih="100vh" bg="gray.2" p="md">
      <Paper withBorder shadow="md" p="xl" w={620} maw="100%">
        <Stack gap="lg" align="stretch">
          <Group justify="space-between" align="flex-start">
            <div>
              <Title order={1}>{t("takeover.title")}</Title>
              <Text size="lg" c="gray.8" data-testid="terminal-name">
                {terminalLabel(terminal, current?.station)}
              </Text>
            </div>
            {current ? (
              <Button component={Link} to="/station" size="lg" variant="default">
                {t("takeover.back")}
              </Button>
            ) : null}
          </Group>
          {current ? (
            <Text size="xl" data-testid="current-user">
              <b>{current.name}</b> {t("takeover.signedInHere")}
            </Text>
          ) : notice ? (
            <Alert color="orange.9" variant="light" role="status" data-testid="takeover-notice">
              <Text size="lg">{notice}</Text>
            </Alert>
          ) : null}
          {error ? <Refusal message={error} hint={hint.current} /> : null}
          {state.step === "badge" ? (
            <form onSubmit={onBadge}>
              <Stack>
                <TextInput
                  ref={badgeRef}
                  name="badge"
                  label={t("takeover.badge")}
                  description={t("takeover.badgeHint")}
                  size="xl"
                  autoFocus
                  autoComplete="off"
                  autoCapitalize="off"
                  spellCheck={false}
                  enterKeyHint="next"
                  data-testid="badge-input"
                  styles={{ input: { fontSize: 32, height: 72 } }}
                />
                <Button type="submit" size="xl" h={72}>
                  {t("takeover.next")}
                </Button>
              </Stack>
            </form>
          ) : (
            <Stack align="center" gap="md">
              <Text size="xl" w="100%">
                {t("takeover.badge")} <b data-testid="badge-read">{state.badge}</b>: {t("takeover.enterPin")}
              </Text>
              <Text fz={48} lh={1} aria-label={t("takeover.digitsEntered", { n: state.pin.length })} data-testid="pin-dots" style={{ letterSpacing: 12 }}>
                {pinDots(state.pin)}
              </Text>
              <PinKeypad onKey={(key) => dispatch({ type: "key", key })} disabled={state.step === "submitting"} />
              <Group grow w="100%" maw={420}>
                <Button size="xl" h={80} fz="lg" variant="default" onClick={() => dispatch({ type: "restart" })}>
                  {t("takeover.otherBadge")}
                </Button>
                <Button
                  size="xl"
                  h={80}
                  color="green.9"
                  loading={state.step === "submitting"}
                  onClick={() => dispatch({ type: "submit" })}
                >
                  {t("takeover.signIn")}
                </Button>
              </Group>
            </Stack>
          )}
          {!current ? (
            <Anchor component={Link} to="/signin" size="md" c="gray.8">
              {t("takeover.instead")}
            </Anchor>
          ) : null}
        </Stack>
      </Paper>
    </Center>
  );
}

import { Alert, Anchor, Button, Center, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
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
          ? "An administrator sets this terminal up again under Station terminals."
          : code === "sign_in_locked"
            ? "Ask your supervisor, or wait and try again."
            : null;
      dispatch({ type: "refused", keepBadge: keepsBadge(code), message: errorMessage(err) });
    }
  };

  useEffect(() => {
    if (state.step === "submitting") void submit(state.badge, state.pin);
    // eslint-disable-next-line react-hooks/exhaustive-deps
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
            <Title order={2}>This browser is not a station terminal</Title>
            <Text size="lg">
              An administrator sets it up under Station terminals with the station key. Until then, sign in with
              user name and password.
            </Text>
            <Button component={Link} to="/signin" size="xl" w="fit-content">
              Sign in
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
              <Title order={1}>Take over</Title>
              <Text size="lg" c="gray.8" data-testid="terminal-name">
                {terminalLabel(terminal, current?.station)}
              </Text>
            </div>
            {current ? (
              <Button component={Link} to="/station" size="lg" variant="default">
                Back
              </Button>
            ) : null}
          </Group>
          {current ? (
            <Text size="xl" data-testid="current-user">
              <b>{current.name}</b> is signed in here; they are signed out when you take over.
            </Text>
          ) : notice ? (
            <Alert color="orange.9" variant="light" role="status">
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
                  label="Badge"
                  description="Scan your badge, or type its number and press Enter"
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
                  Next
                </Button>
              </Stack>
            </form>
          ) : (
            <Stack align="center" gap="md">
              <Text size="xl" w="100%">
                Badge <b data-testid="badge-read">{state.badge}</b>: enter your PIN
              </Text>
              <Text fz={48} lh={1} aria-label={`${state.pin.length} digits entered`} data-testid="pin-dots" style={{ letterSpacing: 12 }}>
                {pinDots(state.pin)}
              </Text>
              <PinKeypad onKey={(key) => dispatch({ type: "key", key })} disabled={state.step === "submitting"} />
              <Group grow w="100%" maw={420}>
                <Button size="xl" h={80} fz="lg" variant="default" onClick={() => dispatch({ type: "restart" })}>
                  Other badge
                </Button>
                <Button
                  size="xl"
                  h={80}
                  color="green.9"
                  loading={state.step === "submitting"}
                  onClick={() => dispatch({ type: "submit" })}
                >
                  Sign in
                </Button>
              </Group>
            </Stack>
          )}
          {!current ? (
            <Anchor component={Link} to="/signin" size="md" c="gray.8">
              Sign in with user name and password instead
            </Anchor>
          ) : null}
        </Stack>
      </Paper>
    </Center>
  );
}

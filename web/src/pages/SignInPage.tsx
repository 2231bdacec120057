import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { errorMessage } from "../api/problem";
import { session } from "../auth/session";
import { useSession } from "../auth/useSession";
import { validateSignIn } from "../lib/forms";
import { useTerminal } from "../lib/useTerminal";

export function SignInPage() {
  const { t } = useTranslation();
  const { status, notice } = useSession();
  const terminal = useTerminal();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/";
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<{ username: string | null; password: string | null }>({
    username: null,
    password: null,
  });
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (status === "signed-in") return <Navigate to={from} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateSignIn({ username, password });
    setErrors(found);
    if (found.username || found.password) return;
    setBusy(true);
    setFailure(null);
    try {
      await session.signIn(username.trim(), password);
      navigate(from, { replace: true });
    } catch (err) {
      setFailure(errorMessage(err));
      setPassword("");
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" bg="gray.2" p="md">
      <Paper withBorder shadow="md" p="xl" w={440} maw="100%">
        <form onSubmit={submit} noValidate>
          <Stack gap="lg">
            <div>
              <Title order={1}>MES</Title>
              <Text c="gray.8">{t("signin.subtitle")}</Text>
            </div>
            {notice && !failure ? (
              <Alert color="orange.9" variant="light" role="status">
                {notice}
              </Alert>
            ) : null}
            {failure ? (
              <Alert color="red.9" variant="filled" role="alert" title={t("signin.failed")} data-testid="problem">
                {failure}
              </Alert>
            ) : null}
            <TextInput
              label={t("signin.username")}
              size="lg"
              autoComplete="username"
              autoFocus
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              error={errors.username}
              data-testid="signin-username"
            />
            <PasswordInput
              label={t("signin.password")}
              size="lg"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={errors.password}
              data-testid="signin-password"
            />
            <Button type="submit" size="lg" loading={busy} fullWidth data-testid="signin-submit">
              {t("signin.submit")}
            </Button>
            {terminal ? (
              <Button component={Link} to="/takeover" size="lg" variant="default" fullWidth>
                {t("signin.badge")}
              </Button>
            ) : null}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

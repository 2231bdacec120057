import { Navigate, Outlet, useLocation } from "react-router";
import { Alert, Container } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../auth/useSession";
import { useTerminal } from "../lib/useTerminal";
import { Loading } from "./Loading";

/**
 * Pages behind sign-in; the sign-in page brings the user back to where they were. A station
 * terminal (a station key installed) sends people to badge and PIN instead.
 */
export function RequireSignIn() {
  const { status } = useSession();
  const terminal = useTerminal();
  const location = useLocation();
  const { t } = useTranslation();
  if (status === "restoring") return <Loading label={t("common.restoring")} />;
  if (status !== "signed-in" && terminal) return <Navigate to="/takeover" replace />;
  if (status !== "signed-in") {
    return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  }
  return <Outlet />;
}

/** A page for users holding every one of `needs`; others are told, not shown a blank page. */
export function RequirePerms({ needs, children }: { needs: readonly string[]; children: ReactNode }) {
  const { can } = useSession();
  const { t } = useTranslation();
  if (!can(...needs)) {
    return (
      <Container size="sm" py="xl">
        <Alert color="orange.9" variant="filled" title={t("common.notForRole")} role="alert">
          {t("common.needsPermission", { perms: needs.join(" + ") })}
        </Alert>
      </Container>
    );
  }
  return <>{children}</>;
}

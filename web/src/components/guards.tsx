import { Navigate, Outlet, useLocation } from "react-router";
import { Alert, Container } from "@mantine/core";
import type { ReactNode } from "react";
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
  if (status === "restoring") return <Loading label="Restoring your session…" />;
  if (status !== "signed-in" && terminal) return <Navigate to="/takeover" replace />;
  if (status !== "signed-in") {
    return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  }
  return <Outlet />;
}

/** A page for users holding every one of `needs`; others are told, not shown a blank page. */
export function RequirePerms({ needs, children }: { needs: readonly string[]; children: ReactNode }) {
  const { can } = useSession();
  if (!can(...needs)) {
    return (
      <Container size="sm" py="xl">
        <Alert color="orange.9" variant="filled" title="Not for your role" role="alert">
          This screen needs the permission {needs.join(" and ")}. Ask an administrator if you should have it.
        </Alert>
      </Container>
    );
  }
  return <>{children}</>;
}

import { Button, Container, Stack, Text, Title } from "@mantine/core";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { createBrowserRouter, Link, RouterProvider, useRouteError } from "react-router";
import { session } from "./auth/session";
import { AppLayout } from "./components/AppLayout";
import { RequirePerms, RequireSignIn } from "./components/guards";
import { ProblemAlert } from "./components/ProblemAlert";
import { MENU } from "./nav/menu";
import { BoardPage } from "./pages/BoardPage";
import { HomePage } from "./pages/HomePage";
import { IntegrationPage } from "./pages/IntegrationPage";
import { LotPage } from "./pages/LotPage";
import { masterRoutes } from "./pages/master/routes";
import { ReportingPage } from "./pages/ReportingPage";
import { SignInPage } from "./pages/SignInPage";
import { StationPage } from "./pages/StationPage";
import { StationsAdminPage } from "./pages/StationsAdminPage";
import { TakeoverPage } from "./pages/TakeoverPage";
import { QualityCapaListPage, QualityCapaPage } from "./pages/QualityCapaPages";
import { QualityNcrPage } from "./pages/QualityNcrPage";
import { QualitySpcPage } from "./pages/QualitySpcPage";
import { QualityWorkbenchPage } from "./pages/QualityWorkbenchPage";
import { TraceabilityPage } from "./pages/TraceabilityPage";
import { TraceabilityRecallPage } from "./pages/TraceabilityRecallPage";
import { SchedulePage } from "./pages/workorders/SchedulePage";
import { WorkOrderPage } from "./pages/workorders/WorkOrderPage";
import { WorkOrdersPage } from "./pages/workorders/WorkOrdersPage";
import { ApiKeysPage } from "./pages/admin/ApiKeysPage";
import { AuditTrailPage } from "./pages/admin/AuditTrailPage";
import { RolesPage } from "./pages/admin/RolesPage";
import { SignaturesPage } from "./pages/admin/SignaturesPage";
import { UsersPage } from "./pages/admin/UsersPage";
import { CalendarsPage } from "./pages/resource/CalendarsPage";
import { DowntimePage } from "./pages/resource/DowntimePage";
import { EquipmentPage } from "./pages/resource/EquipmentPage";
import { MaintenancePage } from "./pages/resource/MaintenancePage";
import { PeoplePage } from "./pages/resource/PeoplePage";

function needs(path: string): readonly string[] {
  return MENU.find((m) => m.path === path)?.needs ?? [];
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <Container size="sm" py="xl">
      <Stack>
        <Title order={2}>{t("common.noSuchPage")}</Title>
        <Text>{t("common.noSuchPageText")}</Text>
        <Button component={Link} to="/" w="fit-content">
          {t("shell.home")}
        </Button>
      </Stack>
    </Container>
  );
}

/** Last resort: a crash in a page shows what happened, never a blank screen. */
function Crash() {
  const error = useRouteError();
  const { t } = useTranslation();
  return (
    <Container size="sm" py="xl">
      <Stack>
        <ProblemAlert error={error} title={t("common.screenFailed")} />
        <Button onClick={() => window.location.reload()} w="fit-content">
          {t("common.reload")}
        </Button>
      </Stack>
    </Container>
  );
}

const router = createBrowserRouter([
  { path: "/signin", element: <SignInPage />, errorElement: <Crash /> },
  { path: "/takeover", element: <TakeoverPage />, errorElement: <Crash /> },
  {
    element: <RequireSignIn />,
    errorElement: <Crash />,
    children: [
      {
        // the supervisor board on a TV: no header, no menu
        path: "board/tv",
        element: (
          <RequirePerms needs={needs("/board")}>
            <Container fluid p="md">
              <BoardPage tv />
            </Container>
          </RequirePerms>
        ),
      },
      {
        element: <AppLayout />,
        errorElement: <Crash />,
        children: [
          { index: true, element: <HomePage /> },
          {
            path: "material/lots/:code?",
            element: (
              <RequirePerms needs={needs("/material/lots")}>
                <LotPage />
              </RequirePerms>
            ),
          },
          {
            path: "traceability/recalls/:id",
            element: (
              <RequirePerms needs={needs("/traceability")}>
                <TraceabilityRecallPage />
              </RequirePerms>
            ),
          },
          {
            path: "traceability/:code?",
            element: (
              <RequirePerms needs={needs("/traceability")}>
                <TraceabilityPage />
              </RequirePerms>
            ),
          },
          {
            path: "board",
            element: (
              <RequirePerms needs={needs("/board")}>
                <BoardPage />
              </RequirePerms>
            ),
          },
          {
            path: "reporting",
            element: (
              <RequirePerms needs={needs("/reporting")}>
                <ReportingPage />
              </RequirePerms>
            ),
          },
          {
            path: "station",
            element: (
              <RequirePerms needs={needs("/station")}>
                <StationPage />
              </RequirePerms>
            ),
          },
          {
            path: "integration",
            element: (
              <RequirePerms needs={needs("/integration")}>
                <IntegrationPage />
              </RequirePerms>
            ),
          },
          {
            path: "admin/stations",
            element: (
              <RequirePerms needs={needs("/admin/stations")}>
                <StationsAdminPage />
              </RequirePerms>
            ),
          },
          {
            path: "quality",
            element: (
              <RequirePerms needs={needs("/quality")}>
                <QualityWorkbenchPage />
              </RequirePerms>
            ),
          },
          {
            path: "quality/ncrs/:number",
            element: (
              <RequirePerms needs={needs("/quality")}>
                <QualityNcrPage />
              </RequirePerms>
            ),
          },
          {
            path: "quality/capas",
            element: (
              <RequirePerms needs={needs("/quality")}>
                <QualityCapaListPage />
              </RequirePerms>
            ),
          },
          {
            path: "quality/capas/:number",
            element: (
              <RequirePerms needs={needs("/quality")}>
                <QualityCapaPage />
              </RequirePerms>
            ),
          },
          {
            path: "quality/spc/:plan/:characteristic",
            element: (
              <RequirePerms needs={needs("/quality")}>
                <QualitySpcPage />
              </RequirePerms>
            ),
          },
          ...masterRoutes,
          // Planning (issue 16)
          {
            path: "workorders",
            element: (
              <RequirePerms needs={needs("/workorders")}>
                <WorkOrdersPage />
              </RequirePerms>
            ),
          },
          {
            path: "workorders/:number",
            element: (
              <RequirePerms needs={needs("/workorders")}>
                <WorkOrderPage />
              </RequirePerms>
            ),
          },
          {
            path: "schedule",
            element: (
              <RequirePerms needs={needs("/schedule")}>
                <SchedulePage />
              </RequirePerms>
            ),
          },
          // resource and administration screens
          ...(
            [
              ["resource/equipment", "/resource/equipment", <EquipmentPage />],
              ["resource/calendars", "/resource/calendars", <CalendarsPage />],
              ["resource/people", "/resource/people", <PeoplePage />],
              ["resource/maintenance", "/resource/maintenance", <MaintenancePage />],
              ["resource/downtime", "/resource/downtime", <DowntimePage />],
              ["admin/users", "/admin/users", <UsersPage />],
              ["admin/roles", "/admin/roles", <RolesPage />],
              ["admin/api-keys", "/admin/api-keys", <ApiKeysPage />],
              ["admin/audit", "/admin/audit", <AuditTrailPage />],
              ["admin/signatures", "/admin/signatures", <SignaturesPage />],
            ] as const
          ).map(([path, menu, page]) => ({ path, element: <RequirePerms needs={needs(menu)}>{page}</RequirePerms> })),
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
]);

export function App() {
  useEffect(() => {
    void session.restore();
  }, []);
  return <RouterProvider router={router} />;
}

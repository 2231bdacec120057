import { AppShell, Badge, Burger, Button, Group, Menu, NavLink, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink as RouterNavLink, Outlet, useLocation } from "react-router";
import { usePreferences, useSetPreferences } from "../api/preferences";
import { session } from "../auth/session";
import { useSession } from "../auth/useSession";
import { STATION_IDLE_MS, useIdleSignOut } from "../lib/useIdleSignOut";
import { useTerminal } from "../lib/useTerminal";
import { applyLanguage, isLanguage, LANGUAGE_NAMES, LANGUAGES, type Language } from "../i18n";
import { menuItemFor, menuSections, visibleMenu } from "../nav/menu";
import { NetworkBadge } from "./station/NetworkBadge";

/** The header's language menu: the choice is the user's own, kept on the server (ADR 0031). */
function LanguageMenu({ subject, big }: { subject: string | undefined; big: boolean }) {
  const { t, i18n } = useTranslation();
  const prefs = usePreferences(subject);
  const save = useSetPreferences(subject);
  const saved = prefs.data?.language;
  useEffect(() => {
    if (prefs.isSuccess) applyLanguage(isLanguage(saved) ? saved : null);
  }, [prefs.isSuccess, saved]);
  const current = isLanguage(i18n.language) ? i18n.language : "en";
  const choose = (lng: Language) => {
    applyLanguage(lng);
    save.mutate({ language: lng });
  };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button
          variant="outline"
          color="gray.0"
          size={big ? "lg" : "md"}
          h={big ? 64 : 48}
          aria-label={t("shell.language")}
          data-testid="language-menu"
        >
          {LANGUAGE_NAMES[current]}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {LANGUAGES.map((lng) => (
          <Menu.Item key={lng} mih={48} fz="lg" onClick={() => choose(lng)} data-testid={`language-${lng}`}>
            {LANGUAGE_NAMES[lng]}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** Header with who is signed in, a menu of what the user may use, and the page. */
export function AppLayout() {
  const { t } = useTranslation();
  const { claims, perms } = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const items = visibleMenu(perms);
  const active = menuItemFor(location.pathname);
  const terminal = useTerminal();
  // a badge session (a shared terminal) or the station screen: sign out after inactivity
  const atStation = !!claims?.station;
  useIdleSignOut(STATION_IDLE_MS, atStation || location.pathname.startsWith("/station"));

  return (
    <AppShell
      header={{ height: atStation ? 88 : 64 }}
      navbar={{ width: 240, breakpoint: "md", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header bg="dark.8" c="white">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" color="white" size="md" aria-label={t("shell.menu")} />
            <Title order={3} c="white">
              MES
            </Title>
            <NetworkBadge />
            {active ? (
              <Text c="gray.3" fw={600} visibleFrom="sm">
                {t(`menu.items.${active.path}.label`)}
              </Text>
            ) : null}
          </Group>
          {atStation ? (
            <Group gap="md" wrap="nowrap" data-testid="station-header">
              <Stack gap={0} align="flex-end">
                <Text fw={800} fz={26} lh={1.1} data-testid="signed-in-user">
                  {claims?.name}
                </Text>
                <Text c="gray.3" fw={600} data-testid="signed-in-how">
                  {t("shell.badgeSignInAt", { station: claims?.station })}
                </Text>
              </Stack>
              <LanguageMenu subject={claims?.sub} big />
              {terminal ? (
                <Button component={Link} to="/takeover" size="lg" h={64} variant="white" color="dark">
                  {t("shell.takeOver")}
                </Button>
              ) : null}
              <Button size="lg" h={64} px={32} color="red.9" fz={22} onClick={() => void session.signOut()}>
                {t("shell.signOut")}
              </Button>
            </Group>
          ) : (
            <Group gap="md" wrap="nowrap">
              <Stack gap={0} align="flex-end">
                <Text fw={700} data-testid="signed-in-user">
                  {claims?.name}
                </Text>
                <Group gap={4} visibleFrom="sm">
                  {claims?.roles.map((r) => (
                    <Badge key={r} size="xs" color="gray.7" variant="filled">
                      {r}
                    </Badge>
                  ))}
                </Group>
              </Stack>
              <LanguageMenu subject={claims?.sub} big={false} />
              {terminal ? (
                <Button component={Link} to="/takeover" variant="outline" color="gray.0" h={48}>
                  {t("shell.takeOver")}
                </Button>
              ) : null}
              <Button variant="white" color="dark" h={48} onClick={() => void session.signOut()}>
                {t("shell.signOut")}
              </Button>
            </Group>
          )}
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label={t("shell.mainMenu")}>
        <NavLink component={RouterNavLink} to="/" label={t("shell.home")} end onClick={close} py="md" />
        {menuSections(items).map(([group, entries]) => (
          <Stack key={group ?? ""} gap={0}>
            {group ? (
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
                {t(`menu.groups.${group}`)}
              </Text>
            ) : null}
            {entries.map((item) => (
              <NavLink
                key={item.path}
                component={RouterNavLink}
                to={item.path}
                label={t(`menu.items.${item.path}.label`)}
                onClick={close}
                py={group ? "xs" : "md"}
                fw={600}
              />
            ))}
          </Stack>
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

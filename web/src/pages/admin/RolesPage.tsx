import {
  Badge,
  Button,
  Card,
  Checkbox,
  Grid,
  Group,
  Modal,
  NavLink,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useCreateRole, usePermissionCatalog, useRoles, useSetRolePermissions, type Role } from "../../api/auth";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ReasonDialog } from "../../components/ReasonDialog";
import { useUrlState } from "./listing";
import { useTranslation } from "react-i18next";

/** Permissions grouped by their service (the part before the first colon). */
function byService(names: readonly { name: string; description: string }[]) {
  const groups = new Map<string, { name: string; description: string }[]>();
  for (const p of names) {
    const service = p.name.split(":")[0] ?? p.name;
    groups.set(service, [...(groups.get(service) ?? []), p]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function CreateRole({ onClose, onCreated }: { onClose: () => void; onCreated: (name: string) => void }) {
  const { t } = useTranslation();
  const create = useCreateRole();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name: name.trim(), description: description.trim(), permissions: [] },
      { onSuccess: (r) => onCreated(r.name) },
    );
  };
  return (
    <Modal opened onClose={onClose} title={t("admin.roles.new")} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {create.isError ? <ProblemAlert error={create.error} /> : null}
          <TextInput label={t("common.name")} description={t("admin.roles.nameHint")} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput label={t("common.description")} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("admin.roles.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RolePermissions({ role, editable }: { role: Role; editable: boolean }) {
  const { t } = useTranslation();
  const catalog = usePermissionCatalog();
  const save = useSetRolePermissions();
  const [chosen, setChosen] = useState<Set<string>>(new Set(role.permissions));
  const [confirm, setConfirm] = useState(false);
  useEffect(() => setChosen(new Set(role.permissions)), [role]);
  const groups = useMemo(() => byService(catalog.data ?? []), [catalog.data]);
  const changed =
    chosen.size !== role.permissions.length || role.permissions.some((p) => !chosen.has(p));
  if (catalog.isPending) return <Loading label={t("admin.roles.loadingPermissions")} />;
  if (catalog.isError) return <ProblemAlert error={catalog.error} />;
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={3}>
            {role.name} {role.builtin ? <Badge variant="light">{t("admin.roles.builtin")}</Badge> : null}
          </Title>
          <Text c="dimmed">{role.description}</Text>
        </div>
        {editable ? (
          <Button disabled={!changed} onClick={() => setConfirm(true)}>
            {t("admin.roles.savePermissions")}
          </Button>
        ) : null}
      </Group>
      <Text>
        {t("admin.roles.countOf", { n: chosen.size, total: catalog.data.length })}
      </Text>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {groups.map(([service, perms]) => (
          <Card key={service} withBorder>
            <Text fw={700} mb="xs">
              {service}
            </Text>
            <Stack gap={6}>
              {perms.map((p) => (
                <Checkbox
                  key={p.name}
                  label={p.name}
                  description={p.description}
                  checked={chosen.has(p.name)}
                  disabled={!editable}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.currentTarget.checked) next.add(p.name);
                    else next.delete(p.name);
                    setChosen(next);
                  }}
                />
              ))}
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      {confirm ? (
        <ReasonDialog
          title={t("admin.roles.changeTitle", { role: role.name })}
          confirmLabel={t("common.save")}
          color="blue"
          onConfirm={(reason) => save.mutateAsync({ name: role.name, permissions: [...chosen].sort(), reason })}
          onClose={() => setConfirm(false)}
        />
      ) : null}
    </Stack>
  );
}

/** Roles and the permissions each grants; an administrator changes them (with a reason). */
export function RolesPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const roles = useRoles();
  const url = useUrlState({ role: "" });
  const [creating, setCreating] = useState(false);
  const selected = roles.data?.find((r) => r.name === url.get("role")) ?? roles.data?.[0];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t("admin.roles.title")}</Title>
        {can("auth:role:write") ? <Button onClick={() => setCreating(true)}>{t("admin.roles.new")}</Button> : null}
      </Group>
      {roles.isError ? <ProblemAlert error={roles.error} /> : null}
      {roles.isPending ? <Loading label={t("admin.roles.loading")} /> : null}
      <Grid>
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Stack gap={2} data-testid="roles">
            {(roles.data ?? []).map((r) => (
              <NavLink
                key={r.name}
                label={r.name}
                description={t("admin.roles.count", { count: r.permissions.length })}
                active={r.name === selected?.name}
                onClick={() => url.set({ role: r.name })}
              />
            ))}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          {selected ? <RolePermissions role={selected} editable={can("auth:role:write")} /> : null}
        </Grid.Col>
      </Grid>
      {creating ? (
        <CreateRole
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            url.set({ role: name });
          }}
        />
      ) : null}
    </Stack>
  );
}

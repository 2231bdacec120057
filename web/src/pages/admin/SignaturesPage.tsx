import { Alert, Button, Code, Group, Modal, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useSignatures, useVerifySignature, type Signature } from "../../api/auth";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime } from "../../lib/format";
import { Pager, SortTh, sortRows, useUrlState, type SortDir } from "./listing";
import { Trans, useTranslation } from "react-i18next";

function VerifyDialog({ signature, onClose }: { signature: Signature; onClose: () => void }) {
  const { t } = useTranslation();
  const verify = useVerifySignature();
  const [content, setContent] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      setError(t("admin.signatures.pasteJson"));
      return;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      setError(t("admin.signatures.jsonObject"));
      return;
    }
    setError(null);
    verify.mutate({ id: signature.id, content: parsed as Record<string, unknown> });
  };
  return (
    <Modal opened onClose={onClose} title={t("admin.signatures.verifyTitle", { name: signature.printed_name })} size="xl" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text>
            <Trans
              i18nKey="admin.signatures.verifyText"
              values={{ hash: `${signature.record_hash.slice(0, 16)}…` }}
              components={{ code: <Code /> }}
            />
          </Text>
          {verify.isError ? <ProblemAlert error={verify.error} /> : null}
          {verify.data ? (
            verify.data.valid ? (
              <Alert color="green.9" variant="filled" title={t("admin.signatures.valid")}>
                {t("admin.signatures.validText")}
              </Alert>
            ) : (
              <Alert color="red.9" variant="filled" title={t("admin.signatures.notValid")}>
                {t("admin.signatures.notValidText")}
              </Alert>
            )
          ) : null}
          <Textarea
            label={t("admin.signatures.content")}
            autosize
            minRows={6}
            value={content}
            onChange={(e) => setContent(e.currentTarget.value)}
            error={error}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common.close")}
            </Button>
            <Button type="submit" loading={verify.isPending}>
              {t("admin.signatures.verify")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Electronic signatures of a kind of record (and one record): who signed, when, meaning, comment. */
export function SignaturesPage() {
  const { t } = useTranslation();
  const url = useUrlState({ record_type: "", record_id: "", size: "50", sort: "signed_at", dir: "asc" });
  const [type, setType] = useState(url.get("record_type"));
  const [id, setId] = useState(url.get("record_id"));
  const size = Number(url.get("size"));
  const signatures = useSignatures({
    record_type: url.get("record_type"),
    record_id: url.get("record_id") || undefined,
    limit: size,
    offset: (url.page - 1) * size,
  });
  const [verifying, setVerifying] = useState<Signature | null>(null);
  const sort = url.get("sort");
  const dir = url.get("dir") as SortDir;
  const onSort = (column: string, d: SortDir) => url.set({ sort: column, dir: d });
  const rows = sortRows(signatures.data?.items ?? [], sort, dir);
  return (
    <Stack>
      <Title order={2}>{t("admin.signatures.title")}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          url.set({ record_type: type.trim(), record_id: id.trim() });
        }}
      >
        <Group align="flex-end">
          <TextInput
            label={t("admin.signatures.recordType")}
            description={t("admin.signatures.recordTypeHint")}
            required
            value={type}
            onChange={(e) => setType(e.currentTarget.value)}
          />
          <TextInput label={t("admin.signatures.recordOptional")} value={id} onChange={(e) => setId(e.currentTarget.value)} />
          <Button type="submit">{t("admin.signatures.show")}</Button>
        </Group>
      </form>
      {!url.get("record_type") ? <Text c="dimmed">{t("admin.signatures.nameType")}</Text> : null}
      {signatures.isError ? <ProblemAlert error={signatures.error} /> : null}
      {url.get("record_type") && signatures.isPending ? <Loading /> : null}
      {signatures.data ? (
        <>
          <Table striped data-testid="signatures">
            <Table.Thead>
              <Table.Tr>
                <SortTh column="signed_at" sort={sort} dir={dir} onSort={onSort}>
                  {t("admin.signatures.signed")}
                </SortTh>
                <SortTh column="printed_name" sort={sort} dir={dir} onSort={onSort}>
                  {t("admin.signatures.by")}
                </SortTh>
                <SortTh column="meaning" sort={sort} dir={dir} onSort={onSort}>
                  {t("admin.signatures.meaning")}
                </SortTh>
                <SortTh column="record_id" sort={sort} dir={dir} onSort={onSort}>
                  {t("admin.signatures.record")}
                </SortTh>
                <Table.Th>{t("admin.signatures.comment")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{formatDateTime(s.signed_at, { seconds: true })}</Table.Td>
                  <Table.Td>
                    {s.printed_name} ({s.username})
                  </Table.Td>
                  <Table.Td>{s.meaning}</Table.Td>
                  <Table.Td>
                    {s.record_type} {s.record_id}
                  </Table.Td>
                  <Table.Td>{s.comment ?? "—"}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="default" onClick={() => setVerifying(s)}>
                      {t("admin.signatures.verify")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager
            total={signatures.data.total}
            page={url.page}
            size={size}
            onPage={url.setPage}
            onSize={(s) => url.set({ size: s })}
          />
        </>
      ) : null}
      {verifying ? <VerifyDialog signature={verifying} onClose={() => setVerifying(null)} /> : null}
    </Stack>
  );
}

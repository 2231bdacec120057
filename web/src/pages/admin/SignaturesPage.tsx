import { Alert, Button, Code, Group, Modal, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useSignatures, useVerifySignature, type Signature } from "../../api/auth";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime } from "../../lib/format";
import { Pager, SortTh, sortRows, useUrlState, type SortDir } from "./listing";

function VerifyDialog({ signature, onClose }: { signature: Signature; onClose: () => void }) {
  const verify = useVerifySignature();
  const [content, setContent] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      setError("Paste the record's content as JSON (an object).");
      return;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      setError("The record's content is a JSON object.");
      return;
    }
    setError(null);
    verify.mutate({ id: signature.id, content: parsed as Record<string, unknown> });
  };
  return (
    <Modal opened onClose={onClose} title={`Verify the signature of ${signature.printed_name}`} size="xl" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text>
            The signature binds to the hash of the record's content when signed (<Code>{signature.record_hash.slice(0, 16)}…</Code>
            ). Paste the record's content as it is now to see whether the signature still holds.
          </Text>
          {verify.isError ? <ProblemAlert error={verify.error} /> : null}
          {verify.data ? (
            verify.data.valid ? (
              <Alert color="green.9" variant="filled" title="Valid">
                The content is what was signed.
              </Alert>
            ) : (
              <Alert color="red.9" variant="filled" title="Not valid">
                The content changed since it was signed.
              </Alert>
            )
          ) : null}
          <Textarea
            label="Record content (JSON)"
            autosize
            minRows={6}
            value={content}
            onChange={(e) => setContent(e.currentTarget.value)}
            error={error}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={verify.isPending}>
              Verify
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Electronic signatures of a kind of record (and one record): who signed, when, meaning, comment. */
export function SignaturesPage() {
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
      <Title order={2}>Electronic signatures</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          url.set({ record_type: type.trim(), record_id: id.trim() });
        }}
      >
        <Group align="flex-end">
          <TextInput
            label="Record type"
            description="e.g. quality.ncr, quality.task"
            required
            value={type}
            onChange={(e) => setType(e.currentTarget.value)}
          />
          <TextInput label="Record (optional)" value={id} onChange={(e) => setId(e.currentTarget.value)} />
          <Button type="submit">Show</Button>
        </Group>
      </form>
      {!url.get("record_type") ? <Text c="dimmed">Name a record type to list its signatures.</Text> : null}
      {signatures.isError ? <ProblemAlert error={signatures.error} /> : null}
      {url.get("record_type") && signatures.isPending ? <Loading /> : null}
      {signatures.data ? (
        <>
          <Table striped data-testid="signatures">
            <Table.Thead>
              <Table.Tr>
                <SortTh column="signed_at" sort={sort} dir={dir} onSort={onSort}>
                  Signed
                </SortTh>
                <SortTh column="printed_name" sort={sort} dir={dir} onSort={onSort}>
                  By
                </SortTh>
                <SortTh column="meaning" sort={sort} dir={dir} onSort={onSort}>
                  Meaning
                </SortTh>
                <SortTh column="record_id" sort={sort} dir={dir} onSort={onSort}>
                  Record
                </SortTh>
                <Table.Th>Comment</Table.Th>
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
                      Verify
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

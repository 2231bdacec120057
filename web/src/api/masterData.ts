import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components as M, operations as MO } from "./generated/material";
import type { components as Q } from "./generated/quality";
import type { components as R } from "./generated/resource";
import type { components as W, operations as WO } from "./generated/work-orders";

export type Item = M["schemas"]["ItemRead"];
export type ItemCreate = M["schemas"]["ItemCreate"];
export type ItemKind = Item["kind"];
export type Tracking = Item["tracking"];
export type Location = M["schemas"]["LocationRead"];
export type LocationCreate = M["schemas"]["LocationCreate"];
export type LocationKind = Location["kind"];
export type Bom = M["schemas"]["BomRead"];
export type BomCreate = M["schemas"]["BomCreate"];
export type BomLineIn = M["schemas"]["BomLineIn"];
export type Explosion = M["schemas"]["ExplosionRead"];
export type Product = W["schemas"]["ProductRead"];
export type Routing = W["schemas"]["RoutingRead"];
export type RoutingCreate = W["schemas"]["RoutingCreate"];
export type RoutingOperationIn = W["schemas"]["RoutingOperationIn"];
export type ReasonCode = R["schemas"]["ReasonCodeRead"];
export type ReasonCodeCreate = R["schemas"]["ReasonCodeCreate"];
export type DefectCode = Q["schemas"]["DefectCodeRead"];
export type DefectCodeCreate = Q["schemas"]["DefectCodeCreate"];

export const ITEM_KINDS: readonly ItemKind[] = ["raw", "intermediate", "finished", "packaging"];
export const TRACKINGS: readonly Tracking[] = ["lot", "serial"];
export const LOCATION_KINDS: readonly LocationKind[] = ["warehouse", "line_side", "wip", "quarantine"];

/** What a server-paged list is asked for: the URL's search, filters, sort and page. */
export interface ListQuery {
  q?: string;
  sort?: string;
  limit: number;
  offset: number;
}

export const masterKeys = {
  items: (query: object) => ["material", "items", query] as const,
  item: (code: string) => ["material", "item", code] as const,
  boms: (code: string) => ["material", "item", code, "boms"] as const,
  explosion: (code: string, quantity: string, on: string) => ["material", "item", code, "explosion", quantity, on] as const,
  locations: (query: object) => ["material", "locations", query] as const,
  products: (query: object) => ["workorders", "products", query] as const,
  product: (code: string) => ["workorders", "product", code] as const,
  routings: (code: string) => ["workorders", "product", code, "routings"] as const,
  reasonCodes: (site: string) => ["resource", "reason-codes", site] as const,
  defectCodes: () => ["quality", "defect-codes"] as const,
};

// ------------------------------------------------------------------ items and BOMs

export type ItemSort = NonNullable<NonNullable<MO["list_items_api_v1_material_items_get"]["parameters"]["query"]>["sort"]>;
export type LocationSort = NonNullable<
  NonNullable<MO["list_locations_api_v1_material_locations_get"]["parameters"]["query"]>["sort"]
>;
export type ProductSort = NonNullable<
  NonNullable<WO["list_products_api_v1_workorders_products_get"]["parameters"]["query"]>["sort"]
>;

export function useItemsPage(query: ListQuery & { kind?: ItemKind; tracking?: Tracking }) {
  const sort = query.sort as ItemSort | undefined;
  return useQuery({
    queryKey: masterKeys.items(query),
    placeholderData: keepPreviousData,
    queryFn: () =>
      call(
        api.GET("/api/v1/material/items", {
          params: { query: { ...query, sort, q: query.q || undefined } },
        }),
      ),
  });
}

export function useItem(code: string) {
  return useQuery({
    queryKey: masterKeys.item(code),
    queryFn: () => call(api.GET("/api/v1/material/items/{code}", { params: { path: { code } } })),
  });
}

export function useCreateItem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ItemCreate) => call(api.POST("/api/v1/material/items", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["material", "items"] }),
  });
}

export function useItemBoms(code: string) {
  return useQuery({
    queryKey: masterKeys.boms(code),
    queryFn: () => call(api.GET("/api/v1/material/items/{code}/boms", { params: { path: { code } } })),
  });
}

export function useCreateBom(code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: BomCreate) =>
      call(api.POST("/api/v1/material/items/{code}/boms", { params: { path: { code } }, body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: masterKeys.item(code) }),
  });
}

/** The multi-level explosion of `quantity` of the item on day `on` (YYYY-MM-DD). */
export function useExplosion(code: string, quantity: string, on: string, enabled: boolean) {
  return useQuery({
    queryKey: masterKeys.explosion(code, quantity, on),
    enabled,
    retry: false,
    queryFn: () =>
      call(
        api.GET("/api/v1/material/items/{code}/explosion", {
          params: { path: { code }, query: { quantity, on } },
        }),
      ),
  });
}

// ------------------------------------------------------------------ locations

export function useLocationsPage(query: ListQuery & { kind?: LocationKind }) {
  const sort = query.sort as LocationSort | undefined;
  return useQuery({
    queryKey: masterKeys.locations(query),
    placeholderData: keepPreviousData,
    queryFn: () =>
      call(
        api.GET("/api/v1/material/locations", {
          params: { query: { ...query, sort, q: query.q || undefined } },
        }),
      ),
  });
}

/** Every location (at most 500), for pick lists. */
export function useAllLocations() {
  return useLocationsPage({ limit: 500, offset: 0 });
}

/** Items for a pick list: the first 50 matching what was typed. */
export function useItemChoices(q: string) {
  return useItemsPage({ q, limit: 50, offset: 0 });
}

export function useCreateLocation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: LocationCreate) => call(api.POST("/api/v1/material/locations", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["material", "locations"] }),
  });
}

// ------------------------------------------------------------------ products and routings

export function useProductsPage(query: ListQuery) {
  const sort = query.sort as ProductSort | undefined;
  return useQuery({
    queryKey: masterKeys.products(query),
    placeholderData: keepPreviousData,
    queryFn: () =>
      call(
        api.GET("/api/v1/workorders/products", {
          params: { query: { ...query, sort, q: query.q || undefined } },
        }),
      ),
  });
}

export function useProduct(code: string) {
  return useQuery({
    queryKey: masterKeys.product(code),
    queryFn: () => call(api.GET("/api/v1/workorders/products/{code}", { params: { path: { code } } })),
  });
}

export function useCreateProduct() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { code: string; name?: string | null }) =>
      call(api.POST("/api/v1/workorders/products", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["workorders", "products"] }),
  });
}

export function useRoutings(code: string) {
  return useQuery({
    queryKey: masterKeys.routings(code),
    queryFn: () => call(api.GET("/api/v1/workorders/products/{code}/routings", { params: { path: { code } } })),
  });
}

export function useCreateRouting(code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: RoutingCreate) =>
      call(api.POST("/api/v1/workorders/products/{code}/routings", { params: { path: { code } }, body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: masterKeys.routings(code) }),
  });
}

// ------------------------------------------------------------------ reason codes and defect codes

/** A site's reason codes: the whole tree, or what the server finds below `parent` and matching `q`. */
export function useReasonCodes(site: string | null, filter: { parent?: string; q?: string } = {}) {
  const query = { parent: filter.parent || undefined, q: filter.q || undefined };
  return useQuery({
    queryKey: [...masterKeys.reasonCodes(site ?? ""), query],
    enabled: !!site,
    placeholderData: (previous) => previous,
    queryFn: () =>
      call(api.GET("/api/v1/resource/sites/{code}/reason-codes", { params: { path: { code: site ?? "" }, query } })),
  });
}

export function useAddReasonCode(site: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ReasonCodeCreate) =>
      call(api.POST("/api/v1/resource/sites/{code}/reason-codes", { params: { path: { code: site } }, body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: masterKeys.reasonCodes(site) }),
  });
}

/** Defect codes by code, filtered by the quality service (`q`: code or name). */
export function useDefectCodes(filter: { q?: string } = {}) {
  const query = { q: filter.q || undefined };
  return useQuery({
    queryKey: [...masterKeys.defectCodes(), query],
    placeholderData: (previous) => previous,
    queryFn: () => call(api.GET("/api/v1/quality/defect-codes", { params: { query } })),
  });
}

export function useCreateDefectCode() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: DefectCodeCreate) => call(api.POST("/api/v1/quality/defect-codes", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: masterKeys.defectCodes() }),
  });
}

/** The skills the resource service knows, for a routing operation's requirements. */
export function useSkills() {
  return useQuery({
    queryKey: ["resource", "skills"],
    staleTime: 60_000,
    queryFn: () => call(api.GET("/api/v1/resource/skills")),
  });
}

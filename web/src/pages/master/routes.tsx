import type { RouteObject } from "react-router";
import { PERM } from "../../auth/permissions";
import { RequirePerms } from "../../components/guards";
import { DefectCodesPage, ReasonCodesPage } from "./CodesPages";
import { ItemPage } from "./ItemPage";
import { ItemsPage } from "./ItemsPage";
import { LocationsPage } from "./LocationsPage";
import { ProductPage } from "./ProductPage";
import { ProductsPage } from "./ProductsPage";

/**
 * The master-data screens. Reading needs the read permissions only (a link works for a viewer);
 * the forms appear for who may write, and the API checks again.
 */
const SCREENS: [string, readonly string[], React.ReactNode][] = [
  ["master/items", [PERM.materialRead], <ItemsPage />],
  ["master/items/:code", [PERM.materialRead], <ItemPage />],
  ["master/locations", [PERM.materialRead], <LocationsPage />],
  ["master/products", [PERM.workorderRead], <ProductsPage />],
  ["master/products/:code", [PERM.workorderRead, PERM.materialRead], <ProductPage />],
  ["master/reason-codes", [PERM.resourceRead], <ReasonCodesPage />],
  ["master/defect-codes", [PERM.qualityRead], <DefectCodesPage />],
];

export const masterRoutes: RouteObject[] = SCREENS.map(([path, needs, page]) => ({
  path,
  element: <RequirePerms needs={needs}>{page}</RequirePerms>,
}));

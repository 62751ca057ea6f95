/**
 * Types for the parts of `shpjs` (which ships none) that the boundary importer uses: reading a zipped
 * shapefile into GeoJSON features.
 */
declare module 'shpjs' {
  import type { FeatureCollection } from 'geojson';

  /** Every shapefile in the zip, as GeoJSON (one collection, or one per shapefile when there are several). */
  export function parseZip(
    buffer: ArrayBuffer | Uint8Array,
    whiteList?: string[],
  ): Promise<(FeatureCollection & { fileName?: string }) | Array<FeatureCollection & { fileName?: string }>>;
}

using Prism.Catalog;

namespace Prism.Maps;

/// <summary>CRS helpers for the two map CRSs (EPSG:4326 lon/lat and EPSG:3857 Web Mercator).</summary>
public static class MapGeometry
{
    private const double R = 6378137.0;
    /// <summary>Latitude limit of Web Mercator (the square world of GoogleMapsCompatible).</summary>
    public const double MaxMercatorLat = 85.0511287798066;

    public static double MercatorX(double lon) => R * lon * Math.PI / 180;
    public static double MercatorY(double lat) =>
        R * Math.Log(Math.Tan(Math.PI / 4 + Math.Clamp(lat, -MaxMercatorLat, MaxMercatorLat) * Math.PI / 360));
    public static double Lon(double x) => x / R * 180 / Math.PI;
    public static double Lat(double y) => (2 * Math.Atan(Math.Exp(y / R)) - Math.PI / 2) * 180 / Math.PI;

    public static bool IsSupportedCrs(string crs) => Epsg(crs) is 4326 or 3857;

    public static int? Epsg(string crs) => crs.Trim().ToUpperInvariant() switch
    {
        "EPSG:4326" or "CRS:84" or "URN:OGC:DEF:CRS:EPSG::4326" or "URN:OGC:DEF:CRS:OGC:1.3:CRS84" => 4326,
        "EPSG:3857" or "EPSG:900913" or "URN:OGC:DEF:CRS:EPSG::3857" => 3857,
        _ => null,
    };

    /// <summary>A box in <paramref name="epsg"/> (x/y order) as a lon/lat box, clamped to the world.</summary>
    public static GeoBox ToWgs84(int epsg, double minX, double minY, double maxX, double maxY)
    {
        if (epsg == 3857) (minX, minY, maxX, maxY) = (Lon(minX), Lat(minY), Lon(maxX), Lat(maxY));
        return new GeoBox(Math.Clamp(minX, -180, 180), Math.Clamp(minY, -90, 90), Math.Clamp(maxX, -180, 180), Math.Clamp(maxY, -90, 90));
    }

    /// <summary>A lon/lat box in <paramref name="epsg"/> (x/y order).</summary>
    public static (double MinX, double MinY, double MaxX, double MaxY) FromWgs84(int epsg, GeoBox b) => epsg == 3857
        ? (MercatorX(b.MinX), MercatorY(b.MinY), MercatorX(b.MaxX), MercatorY(b.MaxY))
        : (b.MinX, b.MinY, b.MaxX, b.MaxY);

    /// <summary>The lon/lat extent of a tile.</summary>
    public static GeoBox TileWgs84(TileMatrixSet tms, int z, int col, int row)
    {
        var (x0, y0, x1, y1) = tms.TileBounds(z, col, row);
        return ToWgs84(tms.Epsg, x0, y0, x1, y1);
    }

    /// <summary>
    /// The tiles at level <paramref name="z"/> that intersect a footprint: for each polygon part (antimeridian
    /// crossings are already split in two parts), the tiles of its bounding box whose extent really intersects the
    /// polygon. Ordered by row, then column; no duplicates.
    /// </summary>
    public static IReadOnlyList<(int Col, int Row)> TilesOver(TileMatrixSet tms, int z, Footprint footprint)
    {
        var found = new SortedSet<(int Row, int Col)>();
        foreach (var part in footprint.PartBoxes)
        {
            if (tms.Epsg == 3857 && (part.MinY > MaxMercatorLat || part.MaxY < -MaxMercatorLat)) continue;
            var (x0, y0, x1, y1) = FromWgs84(tms.Epsg, part);
            var (c0, r0, c1, r1) = tms.TileRange(z, x0, y0, x1, y1);
            for (var r = r0; r <= r1; r++)
            for (var c = c0; c <= c1; c++)
            {
                if (found.Contains((r, c))) continue;
                if (footprint.Intersects(TileWgs84(tms, z, c, r))) found.Add((r, c));
            }
        }
        return found.Select(t => (t.Col, t.Row)).ToList();
    }
}

namespace Prism.Maps;

/// <summary>A WMTS tile matrix set with quad-tree levels of 256-pixel tiles (rows counted from the top).</summary>
public sealed record TileMatrixSet
{
    /// <summary>Metres per unit of the CRS: 1 for projected metres, the WGS84 equatorial degree for EPSG:4326.</summary>
    private const double MetresPerDegree = 6378137.0 * 2 * Math.PI / 360.0;
    /// <summary>OGC standardized rendering pixel size (0.28 mm).</summary>
    private const double PixelSize = 0.00028;

    public required string Identifier { get; init; }
    /// <summary>EPSG code of the CRS, e.g. 4326.</summary>
    public required int Epsg { get; init; }
    /// <summary>Full extent in CRS units, x/y order (lon/lat for EPSG:4326).</summary>
    public required double MinX { get; init; }
    public required double MinY { get; init; }
    public required double MaxX { get; init; }
    public required double MaxY { get; init; }
    /// <summary>Tiles across and down at level 0.</summary>
    public required int Level0Columns { get; init; }
    public required int Level0Rows { get; init; }
    public int TileSize { get; init; } = 256;
    public int MaxZoom { get; init; } = 20;
    /// <summary>The WMTS well-known scale set, when there is one.</summary>
    public string? WellKnownScaleSet { get; init; }

    public string Crs => $"EPSG:{Epsg}";
    public string CrsUrn => $"urn:ogc:def:crs:EPSG::{Epsg}";
    public bool IsGeographic => Epsg == 4326;

    public int MatrixWidth(int z) => Level0Columns << z;
    public int MatrixHeight(int z) => Level0Rows << z;

    /// <summary>CRS units per pixel at level <paramref name="z"/>.</summary>
    public double Resolution(int z) => (MaxX - MinX) / MatrixWidth(z) / TileSize;

    public double ScaleDenominator(int z) => Resolution(z) * (IsGeographic ? MetresPerDegree : 1.0) / PixelSize;

    public bool Contains(int z, int col, int row) =>
        z >= 0 && z <= MaxZoom && col >= 0 && row >= 0 && col < MatrixWidth(z) && row < MatrixHeight(z);

    /// <summary>Extent of one tile in CRS units (x/y order).</summary>
    public (double MinX, double MinY, double MaxX, double MaxY) TileBounds(int z, int col, int row)
    {
        var size = Resolution(z) * TileSize;
        var minX = MinX + col * size;
        var maxY = MaxY - row * size;
        return (minX, maxY - size, minX + size, maxY);
    }

    /// <summary>Tile columns and rows at level z covering a CRS box (clamped to the matrix).</summary>
    public (int MinCol, int MinRow, int MaxCol, int MaxRow) TileRange(int z, double minX, double minY, double maxX, double maxY)
    {
        var size = Resolution(z) * TileSize;
        int Clamp(double v, int max) => (int)Math.Clamp(Math.Floor(v), 0, max - 1);
        return (Clamp((minX - MinX) / size, MatrixWidth(z)), Clamp((MaxY - maxY) / size, MatrixHeight(z)),
                Clamp((maxX - MinX) / size - 1e-9, MatrixWidth(z)), Clamp((MaxY - minY) / size - 1e-9, MatrixHeight(z)));
    }

    /// <summary>EPSG:4326, level 0 = 2×1 tiles over the globe (PVS/MapCache "WGS84").</summary>
    public static TileMatrixSet WGS84 { get; } = new()
    {
        Identifier = "WGS84", Epsg = 4326, MinX = -180, MinY = -90, MaxX = 180, MaxY = 90,
        Level0Columns = 2, Level0Rows = 1, MaxZoom = 18,
        WellKnownScaleSet = "urn:ogc:def:wkss:OGC:1.0:GoogleCRS84Quad",
    };

    /// <summary>EPSG:3857, level 0 = one tile (OGC WMTS Annex E "GoogleMapsCompatible").</summary>
    public static TileMatrixSet GoogleMapsCompatible { get; } = new()
    {
        Identifier = "GoogleMapsCompatible", Epsg = 3857,
        MinX = -20037508.3427892, MinY = -20037508.3427892, MaxX = 20037508.3427892, MaxY = 20037508.3427892,
        Level0Columns = 1, Level0Rows = 1, MaxZoom = 20,
        WellKnownScaleSet = "urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible",
    };

    public static IReadOnlyList<TileMatrixSet> All { get; } = [WGS84, GoogleMapsCompatible];

    public static TileMatrixSet? Find(string identifier) =>
        All.FirstOrDefault(t => string.Equals(t.Identifier, identifier, StringComparison.OrdinalIgnoreCase));
}

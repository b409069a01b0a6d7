using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Prism.Catalog;

/// <summary>
/// The product catalog in one SQLite file (embedded profile), WAL mode. Footprints are stored as WKT with one R*Tree
/// row per polygon part; spatial search prefilters on the R*Tree and then tests the exact polygon/box intersection
/// (<see cref="Footprint.Intersects"/>, registered as the SQL function <c>prism_intersects</c>), so results equal
/// PostGIS's <c>ST_Intersects</c>. Each operation uses its own connection; writes are serialised in-process and by
/// SQLite's write lock across processes.
/// </summary>
public sealed partial class SqliteCatalog : ICatalog
{
    /// <summary>R*Tree ids are product id * PartsPerProduct + part index.</summary>
    private const long PartsPerProduct = 4096;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public SqliteCatalog(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
    }

    public string DatabasePath => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    private SqliteConnection Open()
    {
        var conn = new SqliteConnection(_connectionString);
        conn.Open();
        conn.CreateFunction<string, double, double, double, double, bool>("prism_intersects",
            static (wkt, minX, minY, maxX, maxY) => Footprint.Parse(wkt).Intersects(new GeoBox(minX, minY, maxX, maxY)),
            isDeterministic: true);
        // The query geometry is the same for every row of a statement: keep the last one parsed.
        QueryGeometry? lastGeometry = null;
        string? lastWkt = null;
        conn.CreateFunction<string, string, long, bool>("prism_relate", (wkt, geometryWkt, relation) =>
        {
            if (!ReferenceEquals(geometryWkt, lastWkt) && geometryWkt != lastWkt)
            {
                lastGeometry = QueryGeometry.Parse(geometryWkt);
                lastWkt = geometryWkt;
            }
            return lastGeometry!.Relate(Footprint.Parse(wkt), (GeoRelation)relation);
        }, isDeterministic: true);
        using var pragma = conn.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL";
        pragma.ExecuteNonQuery();
        return conn;
    }

    // ---- schema ---------------------------------------------------------------------------------------------

    private sealed record Migration(int Version, string Name, string Sql);

    [GeneratedRegex(@"\.SqliteMigrations\._?(?<version>\d+)_(?<name>.+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourcePattern();

    private static readonly Lazy<IReadOnlyList<Migration>> Migrations = new(() =>
    {
        var assembly = typeof(SqliteCatalog).Assembly;
        var list = new List<(string Resource, Migration Migration)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourcePattern().Match(resource);
            if (!match.Success) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            list.Add((resource, new Migration(int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["name"].Value, reader.ReadToEnd())));
        }
        return list.OrderBy(m => m.Resource, StringComparer.Ordinal).Select(m => m.Migration).ToList();
    });

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var conn = Open();
            using (var wal = conn.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL";
                wal.ExecuteNonQuery();
            }
            foreach (var migration in Migrations.Value)
            {
                ct.ThrowIfCancellationRequested();
                // BEGIN IMMEDIATE takes SQLite's write lock: other processes migrating the same file wait here.
                using var tx = conn.BeginTransaction(deferred: false);
                Execute(conn, tx, """
                    CREATE TABLE IF NOT EXISTS prism_schema_migrations (
                        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
                    """);
                using (var check = Command(conn, tx, "SELECT count(*) FROM prism_schema_migrations WHERE version = $v", ("$v", migration.Version)))
                {
                    if ((long)check.ExecuteScalar()! > 0) continue;
                }
                Execute(conn, tx, migration.Sql);
                using (var record = Command(conn, tx,
                    "INSERT INTO prism_schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)",
                    ("$v", migration.Version), ("$n", migration.Name), ("$t", DateTimeOffset.UtcNow.ToString("O"))))
                {
                    record.ExecuteNonQuery();
                }
                tx.Commit();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // ---- writes ---------------------------------------------------------------------------------------------

    public async Task<RegistrationReport> RegisterAsync(ProductRecord product, CancellationToken ct = default)
    {
        var valid = CatalogCodec.Validate(product);
        var p = valid.Product;
        await PoolThread.EnsureAsync();
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ct.ThrowIfCancellationRequested();
            using var conn = Open();
            using var tx = conn.BeginTransaction(deferred: false);
            var now = CatalogCodec.ToUnixMicros(DateTimeOffset.UtcNow);

            using (var cmd = Command(conn, tx, "INSERT OR IGNORE INTO product_types (name) VALUES ($n)", ("$n", p.ProductType)))
                cmd.ExecuteNonQuery();
            long typeId;
            using (var cmd = Command(conn, tx, "SELECT id FROM product_types WHERE name = $n", ("$n", p.ProductType)))
                typeId = (long)cmd.ExecuteScalar()!;

            long? existing;
            using (var cmd = Command(conn, tx, "SELECT id FROM products WHERE identifier = $i", ("$i", p.Identifier)))
                existing = cmd.ExecuteScalar() as long?;

            var values = new (string, object?)[]
            {
                ("$identifier", p.Identifier), ("$type", typeId),
                ("$begin", CatalogCodec.ToUnixMicros(p.BeginTime)), ("$end", CatalogCodec.ToUnixMicros(p.EndTime)),
                ("$footprint", valid.Footprint.ToWkt()), ("$platform", p.Platform), ("$instrument", p.Instrument),
                ("$sensor", p.SensorType), ("$cloud", p.CloudCover), ("$orbit", p.OrbitNumber),
                ("$direction", p.OrbitDirection), ("$acquisition", p.AcquisitionType),
                ("$center", p.ProcessingCenter), ("$status", p.Status),
                ("$properties", CatalogCodec.PropertiesToJson(p.Properties)), ("$raw", p.RawMetadata),
                ("$prefix", p.Prefix), ("$now", now),
            };
            long productId;
            if (existing is { } id)
            {
                productId = id;
                using (var cmd = Command(conn, tx, """
                    UPDATE products SET product_type_id = $type, begin_time = $begin, end_time = $end,
                        footprint_wkt = $footprint, platform = $platform, instrument = $instrument, sensor_type = $sensor,
                        cloud_cover = $cloud, orbit_number = $orbit, orbit_direction = $direction,
                        acquisition_type = $acquisition, processing_center = $center, status = $status,
                        properties = $properties, raw_metadata = $raw, prefix = $prefix, updated_at = $now
                    WHERE id = $id AND identifier = $identifier
                    """, [.. values, ("$id", productId)]))
                {
                    cmd.ExecuteNonQuery();
                }
                foreach (var sql in new[]
                {
                    "DELETE FROM coverages WHERE product_id = $id",
                    "DELETE FROM browses WHERE product_id = $id",
                    "DELETE FROM product_collections WHERE product_id = $id",
                })
                {
                    using var cmd = Command(conn, tx, sql, ("$id", productId));
                    cmd.ExecuteNonQuery();
                }
                DeleteFootprintRows(conn, tx, productId);
            }
            else
            {
                using var cmd = Command(conn, tx, """
                    INSERT INTO products (identifier, product_type_id, begin_time, end_time, footprint_wkt, platform,
                        instrument, sensor_type, cloud_cover, orbit_number, orbit_direction, acquisition_type,
                        processing_center, status, properties, raw_metadata, prefix, registered_at, updated_at)
                    VALUES ($identifier, $type, $begin, $end, $footprint, $platform, $instrument, $sensor, $cloud,
                        $orbit, $direction, $acquisition, $center, $status, $properties, $raw, $prefix, $now, $now)
                    RETURNING id
                    """, values);
                productId = (long)cmd.ExecuteScalar()!;
            }

            // One R*Tree row per polygon part; parts beyond the id space share one covering box (still a superset,
            // and the exact test follows).
            var boxes = valid.Footprint.PartBoxes.ToList();
            if (boxes.Count > PartsPerProduct)
            {
                var rest = boxes.Skip((int)PartsPerProduct - 1).ToList();
                boxes = [.. boxes.Take((int)PartsPerProduct - 1),
                    new GeoBox(rest.Min(b => b.MinX), rest.Min(b => b.MinY), rest.Max(b => b.MaxX), rest.Max(b => b.MaxY))];
            }
            for (var i = 0; i < boxes.Count; i++)
            {
                using var cmd = Command(conn, tx,
                    "INSERT INTO product_footprints (id, min_x, max_x, min_y, max_y) VALUES ($id, $x0, $x1, $y0, $y1)",
                    ("$id", productId * PartsPerProduct + i), ("$x0", boxes[i].MinX), ("$x1", boxes[i].MaxX),
                    ("$y0", boxes[i].MinY), ("$y1", boxes[i].MaxY));
                cmd.ExecuteNonQuery();
            }

            for (var i = 0; i < valid.Collections.Count; i++)
            {
                var name = valid.Collections[i];
                using (var cmd = Command(conn, tx, "INSERT OR IGNORE INTO collections (identifier, created_at) VALUES ($c, $now)",
                    ("$c", name), ("$now", now)))
                    cmd.ExecuteNonQuery();
                using (var cmd = Command(conn, tx, """
                    INSERT INTO product_collections (product_id, collection_id, ordinal)
                    SELECT $p, id, $o FROM collections WHERE identifier = $c
                    """, ("$p", productId), ("$o", i), ("$c", name)))
                    cmd.ExecuteNonQuery();
            }

            for (var i = 0; i < p.Coverages.Count; i++)
            {
                var c = p.Coverages[i];
                using var cmd = Command(conn, tx, """
                    INSERT INTO coverages (product_id, ordinal, identifier, location, width, height, crs, geotransform, bands)
                    VALUES ($p, $o, $i, $l, $w, $h, $c, $g, $b)
                    """, ("$p", productId), ("$o", i), ("$i", c.Identifier), ("$l", c.Location), ("$w", c.Width),
                    ("$h", c.Height), ("$c", c.Crs), ("$g", CatalogCodec.NumbersToJson(c.GeoTransform)),
                    ("$b", CatalogCodec.BandsToJson(c.Bands)));
                cmd.ExecuteNonQuery();
            }

            for (var i = 0; i < p.Browses.Count; i++)
            {
                using var cmd = Command(conn, tx,
                    "INSERT INTO browses (product_id, ordinal, type, location) VALUES ($p, $o, $t, $l)",
                    ("$p", productId), ("$o", i), ("$t", p.Browses[i].Type), ("$l", p.Browses[i].Location));
                cmd.ExecuteNonQuery();
            }

            tx.Commit();
            return new RegistrationReport(p.Identifier, existing is not null, valid.Collections);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<ProductRecord?> DeregisterAsync(string identifier, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        await PoolThread.EnsureAsync();
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ct.ThrowIfCancellationRequested();
            using var conn = Open();
            using var tx = conn.BeginTransaction(deferred: false);
            var found = Load(conn, tx, "p.identifier = $identifier", [("$identifier", identifier)]);
            if (found.Count == 0) return null;
            var (productId, record) = found[0];
            DeleteFootprintRows(conn, tx, productId);
            using (var cmd = Command(conn, tx, "DELETE FROM products WHERE id = $id", ("$id", productId)))
                cmd.ExecuteNonQuery();
            tx.Commit();
            return record;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void DeleteFootprintRows(SqliteConnection conn, SqliteTransaction tx, long productId)
    {
        using var cmd = Command(conn, tx, "DELETE FROM product_footprints WHERE id BETWEEN $lo AND $hi",
            ("$lo", productId * PartsPerProduct), ("$hi", productId * PartsPerProduct + PartsPerProduct - 1));
        cmd.ExecuteNonQuery();
    }

    // ---- reads ----------------------------------------------------------------------------------------------

    public async Task<ProductRecord?> GetProductAsync(string identifier, CancellationToken ct = default)
    {
        await PoolThread.EnsureAsync();
        ArgumentNullException.ThrowIfNull(identifier);
        ct.ThrowIfCancellationRequested();
        using var conn = Open();
        var found = Load(conn, null, "p.identifier = $identifier", [("$identifier", identifier)]);
        return found.Count == 0 ? null : found[0].Record;
    }

    public async Task<IReadOnlyList<ProductRecord>> SearchAsync(ProductQuery query, CancellationToken ct = default)
    {
        await PoolThread.EnsureAsync();
        CatalogCodec.ValidatePaging(query);
        var (where, parameters) = BuildFilter(query);
        ct.ThrowIfCancellationRequested();
        if (query.Limit == 0) return [];
        parameters.Add(("$limit", query.Limit));
        parameters.Add(("$offset", query.Offset));
        using var conn = Open();
        var found = Load(conn, null, $"{where} ORDER BY p.begin_time, p.identifier LIMIT $limit OFFSET $offset", parameters);
        return found.Select(f => f.Record).ToList();
    }

    public async Task<long> CountAsync(ProductQuery query, CancellationToken ct = default)
    {
        await PoolThread.EnsureAsync();
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = BuildFilter(query);
        ct.ThrowIfCancellationRequested();
        using var conn = Open();
        using var cmd = Command(conn, null, $"SELECT count(*) FROM products p WHERE {where}", [.. parameters]);
        return (long)cmd.ExecuteScalar()!;
    }

    public async Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(CancellationToken ct = default)
    {
        await PoolThread.EnsureAsync();
        ct.ThrowIfCancellationRequested();
        using var conn = Open();
        using var cmd = Command(conn, null, """
            SELECT c.identifier, count(p.id), min(p.begin_time), max(p.end_time)
            FROM collections c
            LEFT JOIN product_collections pc ON pc.collection_id = c.id
            LEFT JOIN products p ON p.id = pc.product_id
            GROUP BY c.id, c.identifier
            ORDER BY c.identifier
            """);
        using var r = cmd.ExecuteReader();
        var list = new List<CollectionRecord>();
        while (r.Read())
        {
            list.Add(new CollectionRecord(r.GetString(0), r.GetInt64(1),
                r.IsDBNull(2) ? null : CatalogCodec.FromUnixMicros(r.GetInt64(2)),
                r.IsDBNull(3) ? null : CatalogCodec.FromUnixMicros(r.GetInt64(3))));
        }
        return list;
    }

    /// <summary>The WHERE clause (over products aliased <c>p</c>) and its named parameters; the query's semantics
    /// are those of <see cref="SearchPlan"/>.</summary>
    private static (string Where, List<(string, object?)> Parameters) BuildFilter(ProductQuery query)
    {
        var plan = SearchPlan.Create(query);
        var sql = new StringBuilder(plan.MatchesNothing ? "0" : "1");
        var parameters = new List<(string, object?)>();
        string Add(object? value)
        {
            var name = "$f" + parameters.Count;
            parameters.Add((name, value));
            return name;
        }
        if (plan.MatchesNothing) return (sql.ToString(), parameters);

        if (plan.IntersectBoxes is { } boxes)
        {
            sql.Append(" AND (");
            for (var i = 0; i < boxes.Count; i++)
            {
                var b = boxes[i];
                if (i > 0) sql.Append(" OR ");
                sql.Append($"({BoxPrefilter(b, Add)} AND prism_intersects(p.footprint_wkt, $f{parameters.Count - 4}, $f{parameters.Count - 3}, $f{parameters.Count - 2}, $f{parameters.Count - 1}))");
            }
            sql.Append(')');
        }
        foreach (var geometry in plan.Geometries)
        {
            var g = Add(geometry.ToWkt());
            var relation = Add((long)plan.Relation);
            // The R*Tree narrows every relation but disjoint: a footprint meeting, containing or lying within the
            // geometry has a part whose box meets the geometry's envelope.
            var prefilter = plan.Relation == GeoRelation.Disjoint ? "" : BoxPrefilter(geometry.Envelope, Add) + " AND ";
            sql.Append($" AND ({prefilter}prism_relate(p.footprint_wkt, {g}, {relation}))");
        }

        string? start = plan.Start is { } s ? Add(CatalogCodec.ToUnixMicros(s)) : null;
        string? end = plan.End is { } e ? Add(CatalogCodec.ToUnixMicros(e)) : null;
        SearchPlan.AppendTimeClause(sql, plan.TimeRelation, start, end);

        foreach (var set in plan.CollectionSets)
            sql.Append($" AND EXISTS (SELECT 1 FROM product_collections pc JOIN collections c ON c.id = pc.collection_id WHERE pc.product_id = p.id AND c.identifier IN (SELECT value FROM json_each({Add(JsonSerializer.Serialize(set))})))");
        if (query.ProductType is not null)
            sql.Append($" AND p.product_type_id = (SELECT id FROM product_types WHERE name = {Add(query.ProductType)})");
        if (query.Identifiers is not null)
            sql.Append($" AND p.identifier IN (SELECT value FROM json_each({Add(JsonSerializer.Serialize(query.Identifiers))}))");

        foreach (var filter in plan.TextFilters)
        {
            var values = Add(JsonSerializer.Serialize(filter.Values));
            sql.Append(filter.Column == "product_type"
                ? $" AND p.product_type_id IN (SELECT id FROM product_types WHERE name IN (SELECT value FROM json_each({values})))"
                : $" AND p.{filter.Column} IN (SELECT value FROM json_each({values}))");
        }
        foreach (var filter in plan.NumericFilters)
        {
            // Compared as REAL, as PostgreSQL compares them as double precision.
            var column = $"CAST(p.{filter.Column} AS REAL)";
            if (filter.Values is not null)
                sql.Append($" AND p.{filter.Column} IS NOT NULL AND {column} IN (SELECT CAST(value AS REAL) FROM json_each({Add(JsonSerializer.Serialize(filter.Values))}))");
            if (filter.Min is { } min)
                sql.Append($" AND {column} {(filter.MinInclusive ? ">=" : ">")} {Add(min)}");
            if (filter.Max is { } max)
                sql.Append($" AND {column} {(filter.MaxInclusive ? "<=" : "<")} {Add(max)}");
        }

        if (plan.TextPattern is not null)
        {
            var pattern = Add(plan.TextPattern);
            sql.Append($"""
                 AND (p.identifier LIKE {pattern} ESCAPE '\' OR p.platform LIKE {pattern} ESCAPE '\'
                      OR p.instrument LIKE {pattern} ESCAPE '\'
                      OR p.product_type_id IN (SELECT id FROM product_types WHERE name LIKE {pattern} ESCAPE '\'))
                """);
        }
        return (sql.ToString(), parameters);
    }

    /// <summary>R*Tree prefilter: a part of the footprint has a box meeting <paramref name="box"/> (adds 4 parameters).</summary>
    private static string BoxPrefilter(GeoBox box, Func<object?, string> add)
    {
        string x0 = add(box.MinX), y0 = add(box.MinY), x1 = add(box.MaxX), y1 = add(box.MaxY);
        return $"p.id IN (SELECT id / {PartsPerProduct} FROM product_footprints WHERE max_x >= {x0} AND min_x <= {x1} AND max_y >= {y0} AND min_y <= {y1})";
    }

    private static List<(long Id, ProductRecord Record)> Load(SqliteConnection conn, SqliteTransaction? tx, string clause,
        IReadOnlyList<(string, object?)> parameters)
    {
        var rows = new List<(long Id, ProductRecord Record)>();
        using (var cmd = Command(conn, tx, $"""
            SELECT p.id, p.identifier, t.name, p.begin_time, p.end_time, p.footprint_wkt, p.platform, p.instrument,
                p.sensor_type, p.cloud_cover, p.orbit_number, p.orbit_direction, p.acquisition_type,
                p.processing_center, p.status, p.properties, p.raw_metadata, p.prefix, p.updated_at
            FROM products p JOIN product_types t ON t.id = p.product_type_id
            WHERE {clause}
            """, [.. parameters]))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                rows.Add((r.GetInt64(0), new ProductRecord
                {
                    Identifier = r.GetString(1),
                    ProductType = r.GetString(2),
                    Collections = [],
                    BeginTime = CatalogCodec.FromUnixMicros(r.GetInt64(3)),
                    EndTime = CatalogCodec.FromUnixMicros(r.GetInt64(4)),
                    FootprintWkt = r.GetString(5),
                    Platform = NullableString(r, 6),
                    Instrument = NullableString(r, 7),
                    SensorType = NullableString(r, 8),
                    CloudCover = r.IsDBNull(9) ? null : r.GetDouble(9),
                    OrbitNumber = r.IsDBNull(10) ? null : r.GetInt32(10),
                    OrbitDirection = NullableString(r, 11),
                    AcquisitionType = NullableString(r, 12),
                    ProcessingCenter = NullableString(r, 13),
                    Status = NullableString(r, 14),
                    Properties = CatalogCodec.PropertiesFromJson(NullableString(r, 15)),
                    RawMetadata = NullableString(r, 16),
                    Prefix = NullableString(r, 17),
                    UpdatedAt = CatalogCodec.FromUnixMicros(r.GetInt64(18)),
                }));
            }
        }
        if (rows.Count == 0) return rows;

        var ids = JsonSerializer.Serialize(rows.Select(r => r.Id));
        var collections = new Dictionary<long, List<string>>();
        var coverages = new Dictionary<long, List<CoverageRecord>>();
        var browses = new Dictionary<long, List<BrowseRecord>>();

        using (var cmd = Command(conn, tx, """
            SELECT pc.product_id, c.identifier FROM product_collections pc JOIN collections c ON c.id = pc.collection_id
            WHERE pc.product_id IN (SELECT value FROM json_each($ids)) ORDER BY pc.product_id, pc.ordinal
            """, ("$ids", ids)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read()) GetList(collections, r.GetInt64(0)).Add(r.GetString(1));
        }
        using (var cmd = Command(conn, tx, """
            SELECT product_id, identifier, location, width, height, crs, geotransform, bands FROM coverages
            WHERE product_id IN (SELECT value FROM json_each($ids)) ORDER BY product_id, ordinal
            """, ("$ids", ids)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                GetList(coverages, r.GetInt64(0)).Add(new CoverageRecord
                {
                    Identifier = r.GetString(1),
                    Location = r.GetString(2),
                    Width = r.GetInt32(3),
                    Height = r.GetInt32(4),
                    Crs = r.GetString(5),
                    GeoTransform = CatalogCodec.NumbersFromJson(r.GetString(6)),
                    Bands = CatalogCodec.BandsFromJson(r.GetString(7)),
                });
            }
        }
        using (var cmd = Command(conn, tx, """
            SELECT product_id, type, location FROM browses
            WHERE product_id IN (SELECT value FROM json_each($ids)) ORDER BY product_id, ordinal
            """, ("$ids", ids)))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read()) GetList(browses, r.GetInt64(0)).Add(new BrowseRecord(r.GetString(1), r.GetString(2)));
        }

        return rows.Select(row => (row.Id, row.Record with
        {
            Collections = collections.GetValueOrDefault(row.Id) ?? [],
            Coverages = coverages.GetValueOrDefault(row.Id) ?? [],
            Browses = browses.GetValueOrDefault(row.Id) ?? [],
        })).ToList();
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static List<T> GetList<T>(Dictionary<long, List<T>> map, long id)
    {
        if (!map.TryGetValue(id, out var list)) map[id] = list = [];
        return list;
    }

    private static string? NullableString(SqliteDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    private static void Execute(SqliteConnection conn, SqliteTransaction? tx, string sql)
    {
        using var cmd = Command(conn, tx, sql);
        cmd.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection conn, SqliteTransaction? tx, string sql,
        params (string Name, object? Value)[] parameters)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }
}

using System.Text;
using Npgsql;
using NpgsqlTypes;
using Prism.Postgres;

namespace Prism.Catalog;

/// <summary>
/// The product catalog in PostgreSQL + PostGIS (cluster profile). Footprints are <c>geometry(MultiPolygon,4326)</c>
/// with a GiST index; spatial search is <c>ST_Intersects</c> with <c>ST_MakeEnvelope</c>. All statements are
/// parameterised.
/// </summary>
public sealed class PostgresCatalog(NpgsqlDataSource dataSource) : ICatalog
{
    private readonly NpgsqlDataSource _ds = dataSource ?? throw new ArgumentNullException(nameof(dataSource));

    public Task MigrateAsync(CancellationToken ct = default) => PostgresMigrator.MigrateAsync(_ds, ct);

    public async Task<RegistrationReport> RegisterAsync(ProductRecord product, CancellationToken ct = default)
    {
        var valid = CatalogCodec.Validate(product);
        var p = valid.Product;
        await using var conn = await _ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);

        long typeId;
        // DO NOTHING takes no row lock, so registrations of one product type do not queue behind each other; the
        // SELECT (a new snapshot in READ COMMITTED) then sees the row whoever inserted it.
        await using (var cmd = new NpgsqlCommand("INSERT INTO product_types (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", conn, tx))
        {
            cmd.Parameters.Add(Text(p.ProductType));
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using (var cmd = new NpgsqlCommand("SELECT id FROM product_types WHERE name = $1", conn, tx))
        {
            cmd.Parameters.Add(Text(p.ProductType));
            typeId = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }

        long productId;
        bool inserted;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO products (identifier, product_type_id, begin_time, end_time, footprint, platform, instrument,
                sensor_type, cloud_cover, orbit_number, orbit_direction, acquisition_type, processing_center, status,
                properties, raw_metadata, prefix)
            VALUES ($1, $2, $3, $4, ST_Multi(ST_GeomFromText($5, 4326)), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            ON CONFLICT (identifier) DO UPDATE SET
                product_type_id = EXCLUDED.product_type_id, begin_time = EXCLUDED.begin_time,
                end_time = EXCLUDED.end_time, footprint = EXCLUDED.footprint, platform = EXCLUDED.platform,
                instrument = EXCLUDED.instrument, sensor_type = EXCLUDED.sensor_type,
                cloud_cover = EXCLUDED.cloud_cover, orbit_number = EXCLUDED.orbit_number,
                orbit_direction = EXCLUDED.orbit_direction, acquisition_type = EXCLUDED.acquisition_type,
                processing_center = EXCLUDED.processing_center, status = EXCLUDED.status,
                properties = EXCLUDED.properties, raw_metadata = EXCLUDED.raw_metadata, prefix = EXCLUDED.prefix,
                updated_at = now()
            RETURNING id, (xmax = 0) AS inserted
            """, conn, tx))
        {
            cmd.Parameters.Add(Text(p.Identifier));
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = typeId });
            cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = valid.BeginUtc, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = valid.EndUtc, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(Text(valid.Footprint.ToWkt()));
            cmd.Parameters.Add(Text(p.Platform));
            cmd.Parameters.Add(Text(p.Instrument));
            cmd.Parameters.Add(Text(p.SensorType));
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)p.CloudCover ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)p.OrbitNumber ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            cmd.Parameters.Add(Text(p.OrbitDirection));
            cmd.Parameters.Add(Text(p.AcquisitionType));
            cmd.Parameters.Add(Text(p.ProcessingCenter));
            cmd.Parameters.Add(Text(p.Status));
            cmd.Parameters.Add(new NpgsqlParameter { Value = CatalogCodec.PropertiesToJson(p.Properties), NpgsqlDbType = NpgsqlDbType.Jsonb });
            cmd.Parameters.Add(Text(p.RawMetadata));
            cmd.Parameters.Add(Text(p.Prefix));
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            productId = reader.GetInt64(0);
            inserted = reader.GetBoolean(1);
        }

        if (!inserted)
        {
            await using var batch = new NpgsqlBatch(conn, tx);
            foreach (var table in new[] { "coverages", "browses", "product_collections" })
                batch.BatchCommands.Add(Command($"DELETE FROM {table} WHERE product_id = $1",
                    new NpgsqlParameter<long> { TypedValue = productId }));
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        if (valid.Collections.Count > 0)
        {
            var names = valid.Collections.ToArray();
            await using var batch = new NpgsqlBatch(conn, tx);
            batch.BatchCommands.Add(Command("""
                INSERT INTO collections (identifier) SELECT n FROM unnest($1::text[]) AS n ORDER BY 1
                ON CONFLICT (identifier) DO NOTHING
                """, new NpgsqlParameter<string[]> { TypedValue = names }));
            batch.BatchCommands.Add(Command("""
                INSERT INTO product_collections (product_id, collection_id, ordinal)
                SELECT $2, c.id, n.ordinal
                FROM unnest($1::text[]) WITH ORDINALITY AS n(identifier, ordinal)
                JOIN collections c ON c.identifier = n.identifier
                """, new NpgsqlParameter<string[]> { TypedValue = names }, new NpgsqlParameter<long> { TypedValue = productId }));
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var ordinal = 0;
        foreach (var coverage in p.Coverages)
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO coverages (product_id, ordinal, identifier, location, width, height, crs, geotransform, bands)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """, conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = productId });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ordinal++ });
            cmd.Parameters.Add(Text(coverage.Identifier));
            cmd.Parameters.Add(Text(coverage.Location));
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = coverage.Width });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = coverage.Height });
            cmd.Parameters.Add(Text(coverage.Crs));
            cmd.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = coverage.GeoTransform.ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = CatalogCodec.BandsToJson(coverage.Bands), NpgsqlDbType = NpgsqlDbType.Jsonb });
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        ordinal = 0;
        foreach (var browse in p.Browses)
        {
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO browses (product_id, ordinal, type, location) VALUES ($1, $2, $3, $4)", conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = productId });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ordinal++ });
            cmd.Parameters.Add(Text(browse.Type));
            cmd.Parameters.Add(Text(browse.Location));
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new RegistrationReport(p.Identifier, !inserted, valid.Collections);
    }

    public async Task<ProductRecord?> DeregisterAsync(string identifier, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        await using var conn = await _ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        var found = await LoadAsync(conn, tx, "p.identifier = $1 FOR UPDATE OF p", [Text(identifier)], ct).ConfigureAwait(false);
        if (found.Count == 0) return null;
        await using (var cmd = new NpgsqlCommand("DELETE FROM products WHERE identifier = $1", conn, tx))
        {
            cmd.Parameters.Add(Text(identifier));
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return found[0];
    }

    public async Task<ProductRecord?> GetProductAsync(string identifier, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        await using var conn = await _ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        var found = await LoadAsync(conn, null, "p.identifier = $1", [Text(identifier)], ct).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<ProductRecord>> SearchAsync(ProductQuery query, CancellationToken ct = default)
    {
        CatalogCodec.ValidatePaging(query);
        var (where, parameters) = BuildFilter(query);
        if (query.Limit == 0) return [];
        parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Offset });
        var clause = $"{where} ORDER BY p.begin_time, p.identifier COLLATE \"C\" LIMIT ${parameters.Count - 1} OFFSET ${parameters.Count}";
        await using var conn = await _ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await LoadAsync(conn, null, clause, parameters, ct).ConfigureAwait(false);
    }

    public async Task<long> CountAsync(ProductQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = BuildFilter(query);
        await using var conn = await _ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM products p WHERE {where}", conn);
        cmd.Parameters.AddRange(parameters.ToArray());
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(CancellationToken ct = default)
    {
        await using var conn = await _ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("""
            SELECT c.identifier, count(p.id), min(p.begin_time), max(p.end_time)
            FROM collections c
            LEFT JOIN product_collections pc ON pc.collection_id = c.id
            LEFT JOIN products p ON p.id = pc.product_id
            GROUP BY c.id, c.identifier
            ORDER BY c.identifier COLLATE "C"
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<CollectionRecord>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new CollectionRecord(reader.GetString(0), reader.GetInt64(1),
                reader.IsDBNull(2) ? null : CatalogCodec.FromUtc(reader.GetFieldValue<DateTime>(2)),
                reader.IsDBNull(3) ? null : CatalogCodec.FromUtc(reader.GetFieldValue<DateTime>(3))));
        }
        return list;
    }

    /// <summary>The WHERE clause (over products aliased <c>p</c>) and its positional parameters; the query's
    /// semantics are those of <see cref="SearchPlan"/>.</summary>
    private static (string Where, List<NpgsqlParameter> Parameters) BuildFilter(ProductQuery query)
    {
        var plan = SearchPlan.Create(query);
        var sql = new StringBuilder(plan.MatchesNothing ? "FALSE" : "TRUE");
        var parameters = new List<NpgsqlParameter>();
        string Add(NpgsqlParameter parameter)
        {
            parameters.Add(parameter);
            return "$" + parameters.Count;
        }
        if (plan.MatchesNothing) return (sql.ToString(), parameters);

        if (plan.IntersectBoxes is { } boxes)
        {
            sql.Append(" AND (");
            for (var i = 0; i < boxes.Count; i++)
            {
                var b = boxes[i];
                if (i > 0) sql.Append(" OR ");
                sql.Append($"ST_Intersects(p.footprint, ST_MakeEnvelope({Add(Double(b.MinX))}, {Add(Double(b.MinY))}, {Add(Double(b.MaxX))}, {Add(Double(b.MaxY))}, 4326))");
            }
            sql.Append(')');
        }
        foreach (var geometry in plan.Geometries)
        {
            // The WKT given to PostGIS is our own rendering of the parsed, validated geometry.
            var g = $"ST_GeomFromText({Add(Text(geometry.ToWkt()))}, 4326)";
            sql.Append(plan.Relation switch
            {
                GeoRelation.Intersects => $" AND ST_Intersects(p.footprint, {g})",
                GeoRelation.Contains => $" AND ST_Contains(p.footprint, {g})",
                GeoRelation.Within => $" AND ST_Within(p.footprint, {g})",
                _ => $" AND NOT ST_Intersects(p.footprint, {g})",
            });
        }

        string? start = plan.Start is { } s ? Add(Time(s)) : null;
        string? end = plan.End is { } e ? Add(Time(e)) : null;
        SearchPlan.AppendTimeClause(sql, plan.TimeRelation, start, end);

        // The denormalised collection_ids (migration 0003): filtered in place, or through its GIN index.
        foreach (var set in plan.CollectionSets)
            sql.Append($" AND p.collection_ids && ARRAY(SELECT id FROM collections WHERE identifier = ANY({Add(TextArray(set))}))");
        if (query.ProductType is not null)
            sql.Append($" AND p.product_type_id = (SELECT id FROM product_types WHERE name = {Add(Text(query.ProductType))})");
        if (query.Identifiers is not null)
            sql.Append($" AND p.identifier = ANY({Add(TextArray(query.Identifiers))})");

        foreach (var filter in plan.TextFilters)
        {
            sql.Append(filter.Column == "product_type"
                ? $" AND p.product_type_id IN (SELECT id FROM product_types WHERE name = ANY({Add(TextArray(filter.Values))}))"
                : $" AND p.{filter.Column} = ANY({Add(TextArray(filter.Values))})");
        }
        foreach (var filter in plan.NumericFilters)
        {
            var column = $"p.{filter.Column}::double precision";
            if (filter.Values is not null)
                sql.Append($" AND {column} = ANY({Add(new NpgsqlParameter<double[]> { TypedValue = filter.Values.ToArray() })})");
            if (filter.Min is { } min)
                sql.Append($" AND {column} {(filter.MinInclusive ? ">=" : ">")} {Add(Double(min))}");
            if (filter.Max is { } max)
                sql.Append($" AND {column} {(filter.MaxInclusive ? "<=" : "<")} {Add(Double(max))}");
        }

        if (plan.TextPattern is not null)
        {
            var pattern = Add(Text(plan.TextPattern));
            sql.Append($"""
                 AND (p.identifier ILIKE {pattern} ESCAPE '\' OR p.platform ILIKE {pattern} ESCAPE '\'
                      OR p.instrument ILIKE {pattern} ESCAPE '\'
                      OR p.product_type_id IN (SELECT id FROM product_types WHERE name ILIKE {pattern} ESCAPE '\'))
                """);
        }
        return (sql.ToString(), parameters);
    }

    /// <summary>
    /// Loads whole records for the products selected by <paramref name="clause"/> (after WHERE; may order, limit or
    /// lock), in one statement and one round trip: the page is selected first, then each of its rows gets its
    /// coverages and browses (JSON arrays in ordinal order) from correlated sub-selects, so the child tables are read
    /// for the page's rows only. Collections come as the row's <c>collection_ids</c> (in ordinal order), named from
    /// <see cref="_collectionNames"/> (a sub-select per row cost ≈ 1 ms per page of 100).
    /// </summary>
    private async Task<List<ProductRecord>> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string clause,
        IReadOnlyList<NpgsqlParameter> parameters, CancellationToken ct)
    {
        var list = new List<ProductRecord>();
        var collectionIds = new List<long[]>();
        await using var cmd = new NpgsqlCommand($"""
            SELECT s.identifier, s.type_name, s.begin_time, s.end_time, s.footprint_wkt, s.platform, s.instrument,
                s.sensor_type, s.cloud_cover, s.orbit_number, s.orbit_direction, s.acquisition_type,
                s.processing_center, s.status, s.properties_json, s.raw_metadata, s.prefix, s.updated_at,
                s.collection_ids,
                (SELECT json_agg(json_build_array(v.identifier, v.location, v.width, v.height, v.crs, v.geotransform, v.bands)
                        ORDER BY v.ordinal) FROM coverages v WHERE v.product_id = s.id)::text,
                (SELECT json_agg(json_build_array(b.type, b.location) ORDER BY b.ordinal)
                 FROM browses b WHERE b.product_id = s.id)::text
            FROM (
                SELECT p.id, p.identifier, t.name AS type_name, p.begin_time, p.end_time,
                    ST_AsText(p.footprint) AS footprint_wkt, p.platform, p.instrument, p.sensor_type, p.cloud_cover,
                    p.orbit_number, p.orbit_direction, p.acquisition_type, p.processing_center, p.status,
                    p.properties::text AS properties_json, p.raw_metadata, p.prefix, p.updated_at, p.collection_ids
                FROM products p JOIN product_types t ON t.id = p.product_type_id
                WHERE {clause}
            ) s
            ORDER BY s.begin_time, s.identifier COLLATE "C"
            """, conn, tx);
        cmd.Parameters.AddRange(parameters.ToArray());
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new ProductRecord
            {
                Identifier = r.GetString(0),
                ProductType = r.GetString(1),
                BeginTime = CatalogCodec.FromUtc(r.GetFieldValue<DateTime>(2)),
                EndTime = CatalogCodec.FromUtc(r.GetFieldValue<DateTime>(3)),
                FootprintWkt = r.GetString(4),
                Platform = NullableString(r, 5),
                Instrument = NullableString(r, 6),
                SensorType = NullableString(r, 7),
                CloudCover = r.IsDBNull(8) ? null : r.GetDouble(8),
                OrbitNumber = r.IsDBNull(9) ? null : r.GetInt32(9),
                OrbitDirection = NullableString(r, 10),
                AcquisitionType = NullableString(r, 11),
                ProcessingCenter = NullableString(r, 12),
                Status = NullableString(r, 13),
                Properties = CatalogCodec.PropertiesFromJson(NullableString(r, 14)),
                RawMetadata = NullableString(r, 15),
                Prefix = NullableString(r, 16),
                UpdatedAt = CatalogCodec.FromUtc(r.GetFieldValue<DateTime>(17)),
                Collections = [],
                Coverages = r.IsDBNull(19) ? [] : CoveragesFromJson(r.GetString(19)),
                Browses = r.IsDBNull(20) ? [] : BrowsesFromJson(r.GetString(20)),
            });
            collectionIds.Add(r.GetFieldValue<long[]>(18));
        }
        if (list.Count == 0) return list;

        var names = _collectionNames;
        if (collectionIds.Any(ids => ids.Any(id => !names.ContainsKey(id))))
            names = await ReloadCollectionNamesAsync(conn, tx, ct).ConfigureAwait(false);
        for (var i = 0; i < list.Count; i++)
        {
            var ids = collectionIds[i];
            if (ids.Length == 0) continue;
            var named = new string[ids.Length];
            for (var k = 0; k < ids.Length; k++)
                named[k] = names.TryGetValue(ids[k], out var name) ? name
                    : throw new InvalidOperationException($"collection id {ids[k]} of '{list[i].Identifier}' is not in the collections table");
            list[i] = list[i] with { Collections = named };
        }
        return list;
    }

    /// <summary>Collection id → identifier. Ids are never reused and identifiers never change, so an id found here
    /// is right forever; an id not found reloads the (small) table.</summary>
    private volatile Dictionary<long, string> _collectionNames = [];

    private async Task<Dictionary<long, string>> ReloadCollectionNamesAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        var names = new Dictionary<long, string>();
        await using (var cmd = new NpgsqlCommand("SELECT id, identifier FROM collections", conn, tx))
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) names[reader.GetInt64(0)] = reader.GetString(1);
        }
        _collectionNames = names;
        return names;
    }

    /// <summary>Coverages from <c>[[identifier, location, width, height, crs, [geotransform], [bands]], …]</c>.</summary>
    private static List<CoverageRecord> CoveragesFromJson(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var list = new List<CoverageRecord>(doc.RootElement.GetArrayLength());
        foreach (var c in doc.RootElement.EnumerateArray())
        {
            var gt = c[5];
            var transform = new double[gt.GetArrayLength()];
            for (var i = 0; i < transform.Length; i++) transform[i] = gt[i].GetDouble();
            list.Add(new CoverageRecord
            {
                Identifier = c[0].GetString()!,
                Location = c[1].GetString()!,
                Width = c[2].GetInt32(),
                Height = c[3].GetInt32(),
                Crs = c[4].GetString()!,
                GeoTransform = transform,
                Bands = CatalogCodec.BandsFromJson(c[6].GetRawText()),
            });
        }
        return list;
    }

    /// <summary>Browses from <c>[[type, location], …]</c>.</summary>
    private static List<BrowseRecord> BrowsesFromJson(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var list = new List<BrowseRecord>(doc.RootElement.GetArrayLength());
        foreach (var b in doc.RootElement.EnumerateArray())
            list.Add(new BrowseRecord(b[0].GetString()!, b[1].GetString()!));
        return list;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static string? NullableString(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter<double> Double(double value) => new() { TypedValue = value };

    private static NpgsqlParameter<string[]> TextArray(IEnumerable<string> values) => new() { TypedValue = values.ToArray() };

    private static NpgsqlParameter<DateTime> Time(DateTimeOffset value) =>
        new() { TypedValue = CatalogCodec.ToUtc(value), NpgsqlDbType = NpgsqlDbType.TimestampTz };
}

using System.Formats.Tar;
using System.Globalization;
using System.Xml.Linq;
using Npgsql;
using Prism.Catalog;

namespace Prism.Tests.Catalog;

/// <summary>A fresh PostgreSQL database for one test, dropped afterwards.</summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public string Name { get; }
    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }

    private PostgresTestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var name = TestEnvironment.UniqueName("prism_cat");
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        var csb = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = name };
        return new PostgresTestDatabase(name, csb.ConnectionString);
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>Real footprints and metadata from the MERIS EO-O&amp;M samples (posList there is lat lon).</summary>
public static class MerisSamples
{
    public sealed record Sample(string Identifier, string ProductType, DateTimeOffset Begin, DateTimeOffset End,
        string FootprintWkt, string Platform, string Instrument, string SensorType, string AcquisitionType,
        string Status, string ProcessingCenter, string Xml);

    private static readonly Lazy<IReadOnlyList<Sample>> Loaded = new(Load);

    public static IReadOnlyList<Sample> All => Loaded.Value;

    private static IReadOnlyList<Sample> Load()
    {
        XNamespace gml = "http://www.opengis.net/gml/3.2";
        XNamespace eop = "http://www.opengis.net/eop/2.0";
        var samples = new List<Sample>();
        foreach (var tar in Directory.GetFiles(TestEnvironment.Products, "MER_FRS_*.tar").Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(tar);
            using var reader = new TarReader(stream);
            string? xml = null;
            while (reader.GetNextEntry() is { } entry)
            {
                if (!entry.Name.EndsWith(".xml", StringComparison.Ordinal) || entry.DataStream is null) continue;
                using var text = new StreamReader(entry.DataStream);
                xml = text.ReadToEnd();
            }
            if (xml is null) throw new InvalidOperationException($"{tar} holds no XML metadata");
            var doc = XDocument.Parse(xml);
            var numbers = doc.Descendants(gml + "posList").Single().Value
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var points = new List<string>();
            for (var i = 0; i + 1 < numbers.Length; i += 2)
                points.Add($"{numbers[i + 1].ToString("R", CultureInfo.InvariantCulture)} {numbers[i].ToString("R", CultureInfo.InvariantCulture)}");
            string Value(XName name) => doc.Descendants(name).First().Value.Trim();
            samples.Add(new Sample(
                Value(eop + "identifier"), Value(eop + "productType"),
                DateTimeOffset.Parse(Value(gml + "beginPosition"), CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(Value(gml + "endPosition"), CultureInfo.InvariantCulture),
                $"MULTIPOLYGON((({string.Join(", ", points)})))",
                doc.Descendants(eop + "Platform").Single().Element(eop + "shortName")!.Value,
                doc.Descendants(eop + "Instrument").Single().Element(eop + "shortName")!.Value,
                Value(eop + "sensorType"), Value(eop + "acquisitionType"), Value(eop + "status"),
                Value(eop + "processingCenter"), xml));
        }
        if (samples.Count < 3) throw new InvalidOperationException($"expected 3 MERIS samples in {TestEnvironment.Products}");
        return samples;
    }
}

namespace Prism.OpenSearch.Tests;

/// <summary>Paging returns every product exactly once, in a stable order, with correct totals and links.</summary>
public sealed class PagingTests(OpenSearchServer server) : IClassFixture<OpenSearchServer>
{
    [Theory]
    [InlineData("atom", 5)]
    [InlineData("json", 5)]
    [InlineData("atom", 1)]
    [InlineData("json", 7)]
    public async Task Every_product_once_through_next_links(string format, int count)
    {
        var seen = new List<string>();
        var url = $"count={count}";
        var pages = 0;
        while (true)
        {
            var page = format == "atom" ? await server.AtomAsync("PAGING", url) : await server.JsonAsync("PAGING", url);
            Assert.Equal(SampleProducts.PagingCount, page.Total);
            Assert.Equal(seen.Count + 1, page.StartIndex);
            Assert.Equal(count, page.ItemsPerPage);
            Assert.True(page.Ids.Count <= count);
            Assert.Contains("first", page.Links.Keys);
            Assert.Contains("last", page.Links.Keys);
            Assert.Equal(seen.Count > 0, page.Links.ContainsKey("previous"));
            seen.AddRange(page.Ids);
            pages++;
            if (!page.Links.TryGetValue("next", out var next)) break;
            url = new Uri(next).Query.TrimStart('?');
            Assert.True(pages < 100);
        }
        Assert.Equal((SampleProducts.PagingCount + count - 1) / count, pages);
        Assert.Equal(SampleProducts.PagingCount, seen.Count);
        Assert.Equal(SampleProducts.PagingCount, seen.Distinct().Count());
        // Stable order: begin time, then identifier (pairs share a begin time).
        var all = await server.AtomAsync("PAGING", "count=500");
        Assert.Equal(all.Ids, seen);
        Assert.Equal(["PAGE_22", "PAGE_23", "PAGE_20", "PAGE_21"], all.Ids.Take(4));
    }

    [Fact]
    public async Task StartPage_and_startIndex_agree_and_past_the_end_is_empty()
    {
        var byPage = await server.IdsPageAsync("count=5&startPage=3");
        var byIndex = await server.IdsPageAsync("count=5&startIndex=11");
        Assert.Equal(byIndex, byPage);
        Assert.Equal(5, byPage.Count);
        var past = await server.AtomAsync("PAGING", "count=5&startIndex=100");
        Assert.Empty(past.Ids);
        Assert.Equal(SampleProducts.PagingCount, past.Total);
        var none = await server.JsonAsync("PAGING", "count=0");
        Assert.Empty(none.Ids);
        Assert.Equal(SampleProducts.PagingCount, none.Total);
        var defaults = await server.JsonAsync("PAGING", "");
        Assert.Equal(50, defaults.ItemsPerPage);
        Assert.Equal(SampleProducts.PagingCount, defaults.Ids.Count);
    }

    [Fact]
    public async Task Filtered_paging_keeps_the_filter_in_the_links()
    {
        var cloud = Uri.EscapeDataString("[5,14]");
        var first = await server.AtomAsync("PAGING", $"cloudCover={cloud}&count=4");
        Assert.Equal(10, first.Total);
        Assert.Contains("cloudCover=", first.Links["next"]);
        var second = await server.AtomAsync("PAGING", new Uri(first.Links["next"]).Query.TrimStart('?'));
        var third = await server.AtomAsync("PAGING", new Uri(second.Links["next"]).Query.TrimStart('?'));
        Assert.False(third.Links.ContainsKey("next"));
        Assert.Equal(10, first.Ids.Concat(second.Ids).Concat(third.Ids).Distinct().Count());
    }
}

internal static class PagingExtensions
{
    public static async Task<IReadOnlyList<string>> IdsPageAsync(this OpenSearchServer server, string query)
    {
        var atom = await server.AtomAsync("PAGING", query);
        var json = await server.JsonAsync("PAGING", query);
        Assert.Equal(atom.Ids, json.Ids);
        Assert.Equal(atom.StartIndex, json.StartIndex);
        return atom.Ids;
    }
}

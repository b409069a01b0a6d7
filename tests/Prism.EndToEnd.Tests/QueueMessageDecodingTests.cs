using Prism.Gateway.Queues;
using Prism.Products;

namespace Prism.Tests;

public sealed class QueueMessageDecodingTests
{
    [Theory]
    [InlineData("incoming/MER_FRS_1P_RGB_20060816_090929.tar", "MER_FRS_1P_RGB_20060816_090929")]
    [InlineData("s3://input/a/b/ASA_WSM_1P_20050331.tar.gz", "ASA_WSM_1P_20050331")]
    [InlineData("  WORLD_RGB_20200101.zip\n", "WORLD_RGB_20200101")]
    [InlineData("x/PRODUCT.tgz", "PRODUCT")]
    public void PackagePathsAreRoutedToTheGrainNamedAfterThePackage(string message, string key)
    {
        var decoded = QueueMessages.Decode(IngestKind.Package, message, "q");
        Assert.Null(decoded.Error);
        Assert.Equal(key, decoded.Key);
        Assert.Equal(IngestKind.Package, decoded.Request!.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("a/../b.tar")]
    [InlineData("dir\\evil.tar")]
    [InlineData("noextension")]
    [InlineData("in/.hidden.tar")]
    [InlineData("in/bad name.tar")]
    [InlineData("in/ctrl\u0001.tar")]
    public void HostilePackagePathsAreRejectedWithAReason(string message)
    {
        var decoded = QueueMessages.Decode(IngestKind.Package, message, "q");
        Assert.Null(decoded.Key);
        Assert.False(string.IsNullOrWhiteSpace(decoded.Error));
    }

    [Fact]
    public void OverlongPathsAreRejected() =>
        Assert.Contains("longer", QueueMessages.Decode(IngestKind.Package, new string('a', 5000) + ".tar", "q").Error);

    [Theory]
    [InlineData("{not json", "invalid JSON")]
    [InlineData("[1,2]", "not an object")]
    [InlineData("{\"id\": 42}", "no string 'id'")]
    [InlineData("{\"id\": \"../x\"}", "not a valid product id")]
    public void BadJsonMessagesAreRejectedWithAReason(string message, string reason) =>
        Assert.Contains(reason, QueueMessages.Decode(IngestKind.MetadataMessage, message, "q").Error);

    [Fact]
    public void RegisterQueueTakesPrefixesAndStacItems()
    {
        var prefix = QueueMessages.Decode(IngestKind.RegisterPrefix, "products/X_1/", "q");
        Assert.Equal(("X_1", IngestKind.RegisterPrefix), (prefix.Key, prefix.Request!.Kind));
        var stac = QueueMessages.Decode(IngestKind.RegisterPrefix, "{\"id\":\"ITEM_1\",\"type\":\"Feature\"}", "q");
        Assert.Equal(("ITEM_1", IngestKind.StacItem), (stac.Key, stac.Request!.Kind));
    }
}

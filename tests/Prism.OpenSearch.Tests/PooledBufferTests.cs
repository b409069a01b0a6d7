using Prism.Gateway.Http;

namespace Prism.Tests.OpenSearch;

public sealed class PooledBufferTests
{
    [Fact]
    public void Grows_past_its_first_array_and_keeps_every_byte_in_order()
    {
        using var buffer = new PooledBuffer(256);
        var expected = new List<byte>();
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var chunk = new byte[random.Next(1, 3000)];
            random.NextBytes(chunk);
            expected.AddRange(chunk);
            if (i % 2 == 0)
            {
                chunk.CopyTo(buffer.GetSpan(chunk.Length));
                buffer.Advance(chunk.Length);
            }
            else
            {
                using var stream = buffer.AsStream();
                stream.Write(chunk, 0, chunk.Length);
            }
        }
        Assert.Equal(expected.Count, buffer.WrittenCount);
        Assert.Equal(expected.ToArray(), buffer.WrittenMemory.ToArray());
    }

    [Fact]
    public void Refuses_to_advance_past_what_it_handed_out_and_is_empty_after_dispose()
    {
        var buffer = new PooledBuffer(256);
        var handedOut = buffer.GetSpan(10).Length;
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(handedOut + 1));
        buffer.Advance(10);
        Assert.Equal(10, buffer.WrittenCount);
        buffer.Dispose();
        Assert.Equal(0, buffer.WrittenCount);
        buffer.Dispose(); // twice is fine
    }

    [Fact]
    public void An_xml_writer_on_the_stream_produces_the_same_document_as_on_a_memory_stream()
    {
        static void Write(Stream s)
        {
            using var w = System.Xml.XmlWriter.Create(s, new System.Xml.XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false) });
            w.WriteStartElement("feed", "http://www.w3.org/2005/Atom");
            for (var i = 0; i < 5000; i++) w.WriteElementString("id", "http://www.w3.org/2005/Atom", $"entry-{i}-é");
            w.WriteEndElement();
        }
        using var buffer = new PooledBuffer(1024);
        using (var stream = buffer.AsStream()) Write(stream);
        using var reference = new MemoryStream();
        Write(reference);
        Assert.Equal(reference.ToArray(), buffer.WrittenMemory.ToArray());
    }
}

using System.Text;
using Prism.Persistence;
using Prism.Tests.Persistence.Renamed;

namespace Prism.Tests.Persistence;

public sealed class JsonGrainStateSerializerTests
{
    private readonly JsonGrainStateSerializer _serializer = new();

    [Fact]
    public void Writes_camel_case_names_enum_names_and_no_type_names()
    {
        var json = _serializer.Serialize(new NoteState { Text = "t", Count = 2, Mood = Mood.Busy, Tags = ["x"] }).ToString();
        Assert.Equal("""{"text":"t","count":2,"mood":"Busy","tags":["x"]}""", json);
    }

    [Fact]
    public void Reads_into_another_type_of_the_same_shape_skipping_unknown_and_keeping_missing_members()
    {
        var json = """{"text":"t","count":"3","mood":"sleepy","unknown":{"deep":[1,2]},"Tags":["y"]}""";
        var doc = _serializer.Deserialize<NoteDocument>(new BinaryData(Encoding.UTF8.GetBytes(json)));
        Assert.Equal("t", doc.Text);
        Assert.Equal(3, doc.Count);
        Assert.Equal(Mood.Sleepy, doc.Mood);
        Assert.Equal(["y"], doc.Tags);
        Assert.Equal("default-added", doc.Added);
    }

    [Fact]
    public void Enum_numbers_written_by_older_code_still_read()
    {
        var state = _serializer.Deserialize<NoteState>(new BinaryData("""{"mood":1}"""u8.ToArray()));
        Assert.Equal(Mood.Busy, state.Mood);
    }
}

using System.Collections.Concurrent;
using Orleans;
using Orleans.Runtime;

namespace Prism.Tests.Persistence
{
    [GenerateSerializer]
    public enum Mood { Calm, Busy, Sleepy }

    /// <summary>The state class the note grain declares.</summary>
    public sealed class NoteState
    {
        public string Text { get; set; } = "";
        public int Count { get; set; }
        public Mood Mood { get; set; }
        public List<string> Tags { get; set; } = [];
    }

    [GenerateSerializer]
    public sealed record NoteSnapshot(
        [property: Id(0)] string Text,
        [property: Id(1)] int Count,
        [property: Id(2)] Mood Mood,
        [property: Id(3)] string? ETag,
        [property: Id(4)] bool RecordExists);

    public interface INoteGrain : IGrainWithStringKey
    {
        Task<NoteSnapshot> Save(string text, Mood mood);
        Task<NoteSnapshot> Get();
        Task<NoteSnapshot> Clear();
    }

    public sealed class NoteGrain([PersistentState("note", "prism")] IPersistentState<NoteState> note) : Grain, INoteGrain
    {
        public async Task<NoteSnapshot> Save(string text, Mood mood)
        {
            note.State.Text = text;
            note.State.Mood = mood;
            note.State.Count++;
            note.State.Tags.Add(text);
            await note.WriteStateAsync();
            return Snapshot();
        }

        public Task<NoteSnapshot> Get() => Task.FromResult(Snapshot());

        public async Task<NoteSnapshot> Clear()
        {
            await note.ClearStateAsync();
            return Snapshot();
        }

        private NoteSnapshot Snapshot() =>
            new(note.State.Text, note.State.Count, note.State.Mood, note.Etag, note.RecordExists);
    }

    public interface IReminderProbeGrain : IGrainWithStringKey
    {
        Task Start();
        Task Stop();
    }

    /// <summary>Counts reminder ticks per grain key in a static table the tests poll.</summary>
    public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
    {
        public const string ReminderName = "probe-tick";
        public static readonly ConcurrentDictionary<string, int> Ticks = new();

        public Task Start() =>
            this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        public async Task Stop()
        {
            var reminder = await this.GetReminder(ReminderName);
            if (reminder is not null) await this.UnregisterReminder(reminder);
        }

        public Task ReceiveReminder(string reminderName, TickStatus status)
        {
            if (reminderName == ReminderName) Ticks.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }
    }

    /// <summary>A plain IGrainState for calling storages directly.</summary>
    public sealed class TestGrainState<T>(T state) : IGrainState<T>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public T State { get; set; } = state;
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }

        public TestGrainState<T> Copy() => new(State) { ETag = ETag, RecordExists = RecordExists };
    }
}

namespace Prism.Tests.Persistence.Renamed
{
    /// <summary>
    /// "NoteState" after a rename and a move to another namespace, with one member added: stored notes must still
    /// load into it (no type names in the stored JSON, missing members keep their defaults).
    /// </summary>
    public sealed class NoteDocument
    {
        public string Text { get; set; } = "";
        public int Count { get; set; }
        public Mood Mood { get; set; }
        public List<string> Tags { get; set; } = [];
        public string Added { get; set; } = "default-added";
    }
}

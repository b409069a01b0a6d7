namespace Prism.Queues;

/// <summary>The PVS key names of the queues and status sets (configuration section <c>Prism:Queues</c>).</summary>
public sealed class QueueNames
{
    public string Preprocess { get; set; } = "preprocess_queue";
    public string PreprocessMetadata { get; set; } = "preprocess-md_queue";
    public string Register { get; set; } = "register_queue";
    public string Seed { get; set; } = "seed_queue";
    public string Preprocessing { get; set; } = "preprocessing_set";
    public string PreprocessSuccess { get; set; } = "preprocess-success_set";
    public string PreprocessFailure { get; set; } = "preprocess-failure_set";
    public string Registering { get; set; } = "registering_set";
    public string RegisterSuccess { get; set; } = "register-success_set";
    public string RegisterFailure { get; set; } = "register-failure_set";
    public string Seeding { get; set; } = "seeding_set";
    public string SeedSuccess { get; set; } = "seed-success_set";
    public string SeedFailure { get; set; } = "seed-failure_set";
}

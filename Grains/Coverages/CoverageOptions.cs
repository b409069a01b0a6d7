using System.ComponentModel.DataAnnotations;

namespace Prism.Coverages;

/// <summary>Limits and defaults of the WCS coverage service (section <c>Prism:Wcs</c>).</summary>
public sealed class CoverageOptions
{
    public const string Section = "Prism:Wcs";

    /// <summary>Largest output width of a GetCoverage answer (pixels).</summary>
    [Range(1, 1 << 20)] public int MaxWidth { get; set; } = 8192;
    /// <summary>Largest output height of a GetCoverage answer (pixels).</summary>
    [Range(1, 1 << 20)] public int MaxHeight { get; set; } = 8192;
    /// <summary>Largest uncompressed output (width × height × bands × bytes per sample).</summary>
    [Range(1, long.MaxValue)] public long MaxBytes { get; set; } = 512L * 1024 * 1024;
    /// <summary>Largest <c>count</c> of DescribeEOCoverageSet (also its default).</summary>
    [Range(1, 100_000)] public int MaxDescribeCount { get; set; } = 1000;
    /// <summary>Most coverages listed in GetCapabilities (the newest first are kept when there are more).</summary>
    [Range(1, 1_000_000)] public int MaxCapabilitiesCoverages { get; set; } = 10_000;
}

namespace Verify.Model.Experiments;

/// <summary>What a recorded timeline is: its description, the series it belongs to (runs differing only in width), seed, decay p and multi.</summary>
public sealed record TimelineLabel(string Case, string Series, long Seed, double Decay, int Multi);

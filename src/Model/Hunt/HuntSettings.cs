namespace Verify.Model.Hunt;

/// <summary>
/// The hunt's strategy (docs/theorems/hunt.md): a steady-state evolutionary search. Cases are
/// proposed in rounds of <see cref="RoundSize"/>; round r proposes cases rR .. rR + R - 1 from the
/// cases before it only, so a round's proposals do not depend on how many workers judge them or
/// on where a run was interrupted.
/// </summary>
public sealed record HuntSettings
{
    /// <summary>Cases proposed together from the same history (and judged side by side).</summary>
    public int RoundSize { get; init; } = 8;

    /// <summary>Share of purely random draws (from a family's space, as the theorem checks draw) among the proposals once the search is guided.</summary>
    public double RandomShare { get; init; } = 0.25;

    /// <summary>Conclusive cases with the smallest margins that parents are chosen from (rank-weighted).</summary>
    public int EliteSize { get; init; } = 8;

    /// <summary>Conclusive cases needed before the search is guided (until then every proposal is random).</summary>
    public int Warmup { get; init; } = 8;

    /// <summary>Teacher seeds screened by the near-mirror move.</summary>
    public int MirrorCandidates { get; init; } = 8;

    /// <summary>Failures of a stream that are shrunk (the first ones found); null: every failure.</summary>
    public int? ShrinkLimit { get; init; }

    /// <summary>Cases trained side by side.</summary>
    public int Workers { get; init; } = Training.TrialRunner.DefaultWorkers;

    public void Validate()
    {
        if (RoundSize < 1) throw new ArgumentOutOfRangeException(nameof(RoundSize), RoundSize, "A round proposes at least one case.");
        if (!(RandomShare is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(RandomShare), RandomShare, "The random share lies in [0, 1].");
        if (EliteSize < 1) throw new ArgumentOutOfRangeException(nameof(EliteSize), EliteSize, "The elite holds at least one case.");
        if (Warmup < 1) throw new ArgumentOutOfRangeException(nameof(Warmup), Warmup, "Guidance needs at least one conclusive case.");
        if (MirrorCandidates < 1) throw new ArgumentOutOfRangeException(nameof(MirrorCandidates), MirrorCandidates, "The near-mirror move screens at least one seed.");
        if (ShrinkLimit < 0) throw new ArgumentOutOfRangeException(nameof(ShrinkLimit), ShrinkLimit, "The shrink limit is >= 0.");
        if (Workers < 1) throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "Workers must be >= 1.");
    }
}

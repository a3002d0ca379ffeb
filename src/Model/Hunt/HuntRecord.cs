using Verify.Model.Claims;
using Verify.Model.Protocols;

namespace Verify.Model.Hunt;

/// <summary>Which hunt a database holds: the claim, the reading and the hunt seed every stream is drawn from.</summary>
public sealed record HuntIdentity(string Claim, Reading Reading, long Seed)
{
    public override string ToString() => $"{Claim} ({Reading.ToString().ToLowerInvariant()} reading, seed {Seed})";
}

/// <summary>
/// One line of a hunt's database (DIR/cases.jsonl): a case tried and what its judge said. A
/// search case (<see cref="SearchKind"/>) is case <see cref="Index"/> of its stream; a shrink case
/// (<see cref="ShrinkKind"/>) is a smaller candidate judged while shrinking the failure at
/// <see cref="Index"/> of its stream. Every line names its hunt and the rules it was judged under.
/// </summary>
/// <param name="Claim">The hunted claim's id.</param>
/// <param name="Reading">Its reading.</param>
/// <param name="Seed">The hunt seed.</param>
/// <param name="RulesHash"><see cref="Rules.Hash"/> when the case was judged.</param>
/// <param name="Stream">The seed stream (<see cref="HuntStream"/>): "main", or "task-I" of a hunt run as tasks.</param>
/// <param name="Kind">"search" or "shrink".</param>
/// <param name="Index">A search case's number in its stream; for a shrink case, the number of the failure it shrinks.</param>
/// <param name="Origin">"random" (a draw from the family's space), "guided" (a mutation of an earlier case) or "shrink".</param>
/// <param name="Parent">A guided case's parent (its number in the stream); null otherwise.</param>
/// <param name="Family">The family the case was drawn in.</param>
/// <param name="Problem">The case, every field: enough to replay it.</param>
/// <param name="Verdict">The judge's verdict.</param>
/// <param name="Margin">How close it came to failing (<see cref="ClaimMargin"/>); null when inconclusive.</param>
/// <param name="Reason">Why it is inconclusive; null otherwise.</param>
/// <param name="Evidence">The judge's sentence.</param>
/// <param name="Seconds">Wall time of training and judging.</param>
/// <param name="At">When it was judged (UTC).</param>
public sealed record HuntRecord(
    string Claim, Reading Reading, long Seed, string RulesHash, string Stream, string Kind, int Index, string Origin, int? Parent,
    string Family, SmallProblem Problem, Verdict Verdict, double? Margin, string? Reason, string Evidence, double Seconds, DateTime At)
{
    public const string SearchKind = "search";
    public const string ShrinkKind = "shrink";

    public HuntIdentity Identity => new(Claim, Reading, Seed);

    public HuntCase Case => new(Family, Problem);

    /// <summary>What makes a line unique in a database: a search case by stream and number, a shrink case by its failure and text.</summary>
    public string Key => Kind == SearchKind ? $"{Stream}/{SearchKind}/{Index}" : $"{Stream}/{ShrinkKind}/{Index}/{Case}";

    public bool IsSearch => Kind == SearchKind;

    /// <summary>The margin as a number: NaN when inconclusive.</summary>
    public double MarginOrNaN => Margin ?? double.NaN;

    /// <summary>A record of a judgement.</summary>
    public static HuntRecord Of(HuntIdentity hunt, HuntStream stream, string kind, int index, string origin, int? parent, HuntCase c, HuntJudgement j, double seconds) =>
        new(hunt.Claim, hunt.Reading, hunt.Seed, Rules.Hash, stream.Name, kind, index, origin, parent, c.Family, c.Problem, j.Verdict,
            double.IsFinite(j.Margin) ? j.Margin : null, j.Reason, j.Evidence, Math.Round(seconds, 3), DateTime.UtcNow);
}

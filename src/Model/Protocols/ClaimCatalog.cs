using Verify.Model.Claims;

namespace Verify.Model.Protocols;

/// <summary>
/// Every claim the suite judges, by the part of `verify reproduce` that judges it (the report's
/// sections, in order). <c>claims.json</c> has one object per entry; <c>ClaimCatalogTest</c> shows
/// that the report and the tests cover each.
/// </summary>
public static class ClaimCatalog
{
    public static IReadOnlyList<(string Experiment, ClaimInfo Claim)> Entries { get; } =
    [
        .. TheoremChecks.TwoLayerClaims.Select(c => ("theorems", c)),
        ("theorems", IndependenceClaim.Info),
        .. TheoremChecks.DeepClaims.Select(c => ("theorems", c)),
        ("two-layer", VanishingClaim.LShape),
        ("two-layer", StrongTeachersFirstClaim.Info),
        ("two-layer", StrongTeachersFirstByGradientClaim.Info),
        ("two-layer", OverRealizationClaim.Info),
        ("two-layer", KeepsWhatItFoundClaim.Info),
        ("leaky", VanishingClaim.LShapeLeaky),
        ("leaky", LeakyStrongTeachersClaim.Info),
        ("sample-size", SampleSizeClaim.Info),
        ("sample-size", TeacherAwareDataClaim.Info),
        ("multi-layer", MultiLayerClaim.Info),
        ("multi-layer", MultiLayerAuthorsClaim.Info),
        ("cifar10", ImagesOverRealizationClaim.Info),
    ];

    public static IReadOnlyList<ClaimInfo> All { get; } = Entries.Select(e => e.Claim).ToArray();

    public static ClaimInfo Find(string id) => All.FirstOrDefault(c => c.Id == id) ?? throw new KeyNotFoundException($"No claim '{id}'; claims: {string.Join(", ", All.Select(c => c.Id))}.");
}

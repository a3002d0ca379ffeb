namespace Verify.Model.Claims;

/// <summary>
/// A known finding: where the suite found that the paper, or the suite's reading of it, fails somewhere. A finding is
/// not a pass: it is pinned by a test fixture of its own (category <c>Finding</c>, named as the finding, run by
/// default, failing when the finding changes), and the report lists it in a section of its own.
/// </summary>
/// <param name="Name">The finding's fixture (its name says the finding).</param>
/// <param name="Summary">The finding in one line, with its numbers.</param>
/// <param name="Claims">The claim ids it concerns (prefixes of claims.json ids).</param>
/// <param name="Page">The docs/theorems page that tells it.</param>
public sealed record KnownFinding(string Name, string Summary, IReadOnlyList<string> Claims, string Page);

/// <summary>Every known finding, in the order of the paper's claims; <c>KnownFindingsTest</c> shows each has its fixture and each <c>Finding</c> fixture is listed.</summary>
public static class KnownFindings
{
    public static IReadOnlyList<KnownFinding> All { get; } =
    [
        new("PaperReadingFindingTest",
            "the paper's reading of claims 1, 2 and 4 fails where the hyperplane reading holds: a teacher matched only by a verified mirror (w_k = -c w*_j), un-specialized nodes keeping fan-out in cancelling or affine groups",
            ["lowest-layer-specialization", "core-argument", "unspecialized-students-vanish"], "docs/theorems/rules.md"),
        new("NearNStarFindingTest",
            "near claim 3's measured N* (teacher-aware data, 1 to 10 N*) claims 1, 2 and 4 fail at a small gradient on stationary fits of few points (a leaky case of 33 points: teacher 0 at rho 0.970, cos 0.939, still so at gradient 1e-6)",
            ["lowest-layer-specialization", "core-argument", "unspecialized-students-vanish"], "docs/theorems/01-lowest-layer-specialization.md"),
        new("ReluNearNStarFindingTest",
            "found by `verify hunt`: near claim 3's measured N* claims 1 and 2 fail on ReLU cases too (d 5, m 2, 36 teacher-aware points: teacher 1 held by a mirrored node whose linear term nothing cancels, loss 2e-9, stationary when trained on)",
            ["lowest-layer-specialization", "core-argument"], "docs/theorems/hunt.md"),
        new("WideClaimFourFindingTest",
            "claim 4 under the hyperplane reading fails on about 1% of the wide family's leaky cases (1 of 103 at run seed 2922733227): three un-specialized nodes keep fan-out 0.13 to 0.29 at gradient 1e-7, neither co-linear nor affine on the data",
            ["unspecialized-students-vanish"], "docs/theorems/04-unspecialized-students-vanish.md"),
        new("ThreeLayerFitWithoutSpecializationFindingTest",
            "claim 1 at depth fails on small problems: three-layer students fit 100-200 Gaussian points exactly (every layer's per-sample gradient 1e-7) without specializing a lowest-layer teacher node (ReLU 6 of 16 conclusive cases at run seed 2020, leaky 0 of 16 there and 3 of 16 at run seed 918947289); the stalled case of teacher [3-2-2-5], finished, leaves teacher 0 at rho 0.948 < 0.95",
            ["lowest-layer-specialization.relu.three-layer", "lowest-layer-specialization.leaky.three-layer", "lowest-layer-specialization.relu.four-layer", "lowest-layer-specialization.leaky.four-layer"],
            "docs/theorems/01-lowest-layer-specialization.md"),
        new("SampleScalingExponentFindingTest",
            "claim 3's scaling law is inconclusive at both sizes: every N* lies 300 to 100,000 times below the bound K^{5/2} d^3 / eps, but the interval of N*'s exponent in K straddles 5/2",
            ["sample-complexity"], "docs/theorems/03-sample-complexity.md"),
        new("MultiLayerStallAtTheDefaultSizeFindingTest",
            "at the default size (20 of the 100 epochs of the paper-size run) one of three multi-layer seeds stalls at train loss 0.69 and the lowest layer's mean best correlation over seeds, 0.770, falls below 0.9: the multi-layer reading fails there, and holds at the paper's size (0.997)",
            ["multi-layer"], "docs/theorems/01-lowest-layer-specialization.md"),
    ];
}

namespace Verify.Model.Protocols;

/// <summary>
/// A family of small cases (two-layer, or deep: <see cref="Deep"/>): where the drawn cases come from. Each is gated on its own
/// (at least <see cref="Rules.MinConclusive"/> conclusive cases per claim, activation and reading),
/// and claims.json names it (<c>family</c>).
/// </summary>
/// <param name="Name">The family's name, part of its claims' ids.</param>
/// <param name="Description">The space in words, for the report.</param>
/// <param name="Space">The space at a leak: the default run's, and with wide true the Nightly tier's.</param>
public sealed record CaseFamily(string Name, string Description, Func<double, bool, SmallProblemSpace> Space)
{
    /// <summary>The easy corner every claim was first judged on: d 3-6, m 2-3, multi 2, p in {0, 0.5}, N 200 Gaussian, full-batch GD.</summary>
    public static CaseFamily Base { get; } = new("base", "d 3-6, m 2-3, multi 2, p in {0, 0.5}, N 200 Gaussian points, full-batch GD",
        (leak, wide) => wide ? SmallProblemSpace.TwoLayerWide(leak) : SmallProblemSpace.TwoLayer(leak));

    /// <summary>Strength decay anywhere in [0, 2.5]: the weakest teacher's fan-out down to 1/3^2.5 = 1/15.6 of the strongest's.</summary>
    public static CaseFamily Decay { get; } = new("decay", "as base, with p uniform in [0, 2.5]",
        (leak, wide) => SmallProblemSpace.TwoLayer(leak) with { MaxDecay = 2.5 });

    /// <summary>Widths up to 4 and d up to 10, multi 2-3: more nodes, more room for mirrors and groups.</summary>
    public static CaseFamily Wide { get; } = new("wide", "d 3-10, m 2-4, multi 2-3, p in {0, 0.5}, N 300 Gaussian points, full-batch GD",
        (leak, wide) => new SmallProblemSpace(3, 10, 2, 4, leak, [0, 0.5], 2, 3, 300));

    /// <summary>The endpoint of mini-batch SGD as the paper trains (batch 16), finished to the target by Levenberg-Marquardt (<see cref="Training.Finisher"/>).</summary>
    public static CaseFamily Sgd { get; } = new("sgd",
        $"as base, trained by mini-batch SGD (batch 16, lr {SmallProblem.SgdLearningRate}, {SmallProblem.SgdEpochs * 250} steps) and finished to the target by Levenberg-Marquardt",
        (leak, wide) => SmallProblemSpace.TwoLayer(leak) with { Batch = 16 });

    /// <summary>Teacher-aware data of N from claim 3's measured N*(K, d) up to 10 times it.</summary>
    public static CaseFamily NearNStar { get; } = new("near-n-star",
        "as base, on teacher-aware data of N log-uniform in [1, 10] x claim 3's measured N*(K, d) (8 to 540 points)",
        (leak, wide) => SmallProblemSpace.TwoLayer(leak) with { SamplesOverNStar = 10, Data = SmallData.TeacherAware });

    /// <summary>The two-layer families.</summary>
    public static IReadOnlyList<CaseFamily> All { get; } = [Base, Decay, Wide, Sgd, NearNStar];

    /// <summary>Hidden layers of the family's networks (1: two-layer networks).</summary>
    public int HiddenLayers { get; init; } = 1;

    /// <summary>The networks' depth in words, for the claims' statements.</summary>
    public string DepthName => HiddenLayers switch { 1 => "two layers", 2 => "three layers", 3 => "four layers", var h => $"{h + 1} layers" };

    /// <summary>
    /// Three-layer networks over-realized at every hidden layer: d 3-5, teacher widths [2-3, 2], student widths multi x those
    /// (multi 2-3), N 100-200 Gaussian points, full-batch GD handing over to Levenberg-Marquardt.
    /// </summary>
    public static CaseFamily ThreeLayer { get; } = new("three-layer",
        "d 3-5, teacher widths [2-3, 2], multi 2-3 at every hidden layer, N 100-200 Gaussian points, full-batch GD then Levenberg-Marquardt",
        (leak, wide) => SmallProblemSpace.ThreeLayer(leak)) { HiddenLayers = 2 };

    /// <summary>Four-layer networks, as <see cref="ThreeLayer"/> with teacher widths [2-3, 2, 2] (the Nightly tier).</summary>
    public static CaseFamily FourLayer { get; } = new("four-layer",
        "d 3-5, teacher widths [2-3, 2, 2], multi 2-3 at every hidden layer, N 100-200 Gaussian points, full-batch GD then Levenberg-Marquardt",
        (leak, wide) => SmallProblemSpace.FourLayer(leak)) { HiddenLayers = 3 };

    /// <summary>The deep families: claim 1 at depth, judged on its lowest layer.</summary>
    public static IReadOnlyList<CaseFamily> Deep { get; } = [ThreeLayer, FourLayer];

    public override string ToString() => Name;
}

using System.Collections.Concurrent;
using Verify.Model.Evidence;
using Verify.Model.Experiments;

namespace Verify.Experiments.Support;

/// <summary>
/// The runs of each sweep, computed once per test process and shared by the fixtures that assert
/// different claims on them (the L-shape claim and the convergence table read one sweep, as
/// the `verify reproduce` report does). Scales: "default" (the default test run) and "paper" (Nightly).
/// </summary>
static class ExperimentRuns
{
    static readonly ConcurrentDictionary<string, Lazy<object>> Cache = new();

    public static ExperimentScale Scale(string name) => ExperimentScale.Parse(name);

    public static TwoLayerRun[] LShape(string scale) => TwoLayer($"{scale}/lshape", Scale(scale).LShape.Configs());

    public static TwoLayerRun[] Success(string scale)
    {
        var s = Scale(scale);
        return ReferenceEquals(s.Success, s.LShape) ? LShape(scale) : TwoLayer($"{scale}/success", s.Success.Configs());
    }

    public static TwoLayerRun[] Leaky(string scale) => TwoLayer($"{scale}/leaky", Scale(scale).Leaky.Configs());

    public static TwoLayerRun[] SampleSize(string scale) => TwoLayer($"{scale}/sample-size", Scale(scale).SampleSize.Configs());

    public static MultiLayerRun[] MultiLayer(string scale) =>
        (MultiLayerRun[])Cache.GetOrAdd($"{scale}/multi-layer", _ => new Lazy<object>(() =>
            Model.Training.TrialRunner.RunAll(Scale(scale).MultiLayer, Model.Experiments.MultiLayer.Run))).Value;

    /// <summary>The authors' multi-layer protocol at the scale's reduction (<see cref="ExperimentScale.MultiLayerAuthors"/>).</summary>
    public static AuthorsMultiLayerRun[] MultiLayerAuthors(string scale) =>
        (AuthorsMultiLayerRun[])Cache.GetOrAdd($"{scale}/multi-layer-authors", _ => new Lazy<object>(() =>
            Model.Training.TrialRunner.RunAll(Scale(scale).MultiLayerAuthors.Configs(), c => AuthorsMultiLayer.Run(c)))).Value;

    public static TwoLayerRun[] TwoLayer(string key, IReadOnlyList<TwoLayerConfig> configs) =>
        (TwoLayerRun[])Cache.GetOrAdd(key, _ => new Lazy<object>(() => TwoLayerExperiment.RunAll(configs))).Value;
}

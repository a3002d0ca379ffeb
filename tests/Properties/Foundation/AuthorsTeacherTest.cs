using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// The authors' multi-layer teacher (<see cref="AuthorsTeacher"/>) is what their teacher_tune.py makes
/// of it: tuned on one sample of N(0, 10^2 I) (10,240 points, their evaluation set), every hidden node
/// is active on about half of a fresh sample, every node's fan-in has unit norm, and every output has
/// mean about 0 and standard deviation about 1 on fresh data. Negative controls: the same teacher
/// untuned (biases at their initial value) and unstandardized.
/// </summary>
[TestFixture]
public sealed class AuthorsTeacherTest
{
    /// <summary>
    /// The band of "about half": the tuned median's quantile error on 10,240 points and a fresh
    /// sample's own fraction each have sd sqrt(0.25 / 10,240) = 0.005, so the difference has sd 0.007;
    /// 0.05 is 7 sd, far outside what 350 nodes reach by chance (about 3 sd at most).
    /// </summary>
    const double HalfBand = 0.05;

    /// <summary>A fresh sample's output mean and standard deviation each have sd about 0.01 per output (0.014 with the tuning sample's own error); 0.1 is 7 sd.</summary>
    const double StandardBand = 0.1;

    const int Samples = 10_240;
    const double DataStd = 10;
    static readonly int[] Ks = [50, 75, 100, 125];

    [TestCase(1L)]
    [TestCase(2L)]
    public void EachHiddenNode_IsActiveOnAboutHalfOfAFreshSample(long seed)
    {
        var active = ActiveFractions(new AuthorsTeacherSpec(20, Ks), seed);

        TestContext.Out.WriteLine($"seed {seed}, active fraction per layer min..max: {string.Join("; ", active.Select(a => $"{a.Min():0.000}..{a.Max():0.000}"))}");
        var outside = active.SelectMany((layer, l) => layer.Select((f, j) => (l, j, f))).Where(n => Math.Abs(n.f - 0.5) > HalfBand).ToArray();
        outside.ShouldBeEmpty($"seed {seed}: nodes (layer, node, active fraction) outside 0.5 +- {HalfBand} on a fresh sample; " +
                              $"per layer min..max: {string.Join("; ", active.Select(a => $"{a.Min():0.000}..{a.Max():0.000}"))}");
    }

    /// <summary>
    /// Negative control: biases left at their drawn values (U(-0.5, 0.5) over the norm). At layer 1
    /// the inputs are symmetric with std 10, so a bias below 0.5 leaves a node near half active;
    /// above it the inputs are ReLU outputs (all >= 0) and a node's activity follows the sign of its
    /// summed weights: most nodes of the network are then far from half.
    /// </summary>
    [TestCase(1L)]
    [TestCase(2L)]
    public void AnUntunedTeacher_LeavesMostNodesFarFromHalfActive(long seed)
    {
        var active = ActiveFractions(new AuthorsTeacherSpec(20, Ks, TuneBiases: false), seed);

        var all = active.SelectMany(a => a).ToArray();
        var far = all.Count(f => Math.Abs(f - 0.5) > HalfBand);
        TestContext.Out.WriteLine($"seed {seed}: {far} of {all.Length} outside; per layer: " + string.Join("; ", active.Select(a => $"{a.Count(f => Math.Abs(f - 0.5) > HalfBand)} of {a.Length}")));
        far.ShouldBeGreaterThan(all.Length / 2, $"seed {seed}: {far} of {all.Length} untuned nodes outside the band; per layer: " +
                                                string.Join("; ", active.Select(a => $"{a.Count(f => Math.Abs(f - 0.5) > HalfBand)} of {a.Length}")));
    }

    [Test]
    public void EveryHiddenNodesFanIn_HasUnitNorm()
    {
        using var scope = NewDisposeScope();
        using var tuning = Inputs.Gaussian(Samples, 20, 11, DataStd);
        using var teacher = AuthorsTeacher.Build(new AuthorsTeacherSpec(20, Ks), 1, tuning);
        var layers = teacher.WeightArrays();
        for (var l = 0; l < Ks.Length; l++)
            for (var j = 0; j < layers[l].GetLength(1); j++)
            {
                var norm = Math.Sqrt(Enumerable.Range(0, layers[l].GetLength(0) - 1).Sum(i => layers[l][i, j] * layers[l][i, j]));
                // ||v|| / (||v|| + 1e-5) with ||v|| >= 0.25 (one grid entry): within 4e-5 of 1.
                norm.ShouldBe(1, 1e-4, $"layer {l + 1}, node {j}");
            }
    }

    [TestCase(1L)]
    [TestCase(2L)]
    public void EveryOutput_IsStandardized_OnFreshData(long seed)
    {
        var (mean, std) = OutputMoments(new AuthorsTeacherSpec(20, Ks), seed, fresh: true);

        TestContext.Out.WriteLine($"seed {seed}: means {Summary(mean)}, stds {Summary(std)}");
        mean.ShouldAllBe(m => Math.Abs(m) <= StandardBand, $"seed {seed}: output means {Summary(mean)}");
        std.ShouldAllBe(s => Math.Abs(s - 1) <= StandardBand, $"seed {seed}: output stds {Summary(std)}");
    }

    [Test]
    public void EveryOutput_IsExactlyStandard_OnTheTuningData()
    {
        var (mean, std) = OutputMoments(new AuthorsTeacherSpec(20, Ks), 1, fresh: false);

        mean.ShouldAllBe(m => Math.Abs(m) <= 1e-10, $"means {Summary(mean)}");
        std.ShouldAllBe(s => Math.Abs(s - 1) <= 1e-10, $"stds {Summary(std)}");
    }

    /// <summary>Negative control: without the last layer's tuning the outputs are neither centred nor of unit spread.</summary>
    [Test]
    public void AnUnstandardizedTeacher_HasOutputsFarFromStandard()
    {
        var (mean, std) = OutputMoments(new AuthorsTeacherSpec(20, Ks, StandardizeOutput: false), 1, fresh: true);

        TestContext.Out.WriteLine($"means {Summary(mean)}, stds {Summary(std)}");
        var off = mean.Zip(std).Count(p => Math.Abs(p.First) > StandardBand || Math.Abs(p.Second - 1) > StandardBand);
        off.ShouldBeGreaterThan(mean.Length / 2, $"means {Summary(mean)}, stds {Summary(std)}");
    }

    [Test]
    public void TheTeacher_IsItsSeed()
    {
        using var scope = NewDisposeScope();
        using var tuning = Inputs.Gaussian(1024, 20, 11, DataStd);
        using var a = AuthorsTeacher.Build(new AuthorsTeacherSpec(20, [10, 15]), 5, tuning);
        using var b = AuthorsTeacher.Build(new AuthorsTeacherSpec(20, [10, 15]), 5, tuning);
        using var c = AuthorsTeacher.Build(new AuthorsTeacherSpec(20, [10, 15]), 6, tuning);
        var (wa, wb, wc) = (a.WeightArrays(), b.WeightArrays(), c.WeightArrays());
        for (var l = 0; l < wa.Length; l++)
        {
            wa[l].Cast<double>().SequenceEqual(wb[l].Cast<double>()).ShouldBeTrue($"layer {l + 1}: seed 5 twice");
            wa[l].Cast<double>().SequenceEqual(wc[l].Cast<double>()).ShouldBeFalse($"layer {l + 1}: seeds 5 and 6");
        }
    }

    [Test]
    public void AWidthTheGridCannotFill_IsRefusedNamingTheLayer() =>
        Should.Throw<ArgumentException>(() => new AuthorsTeacherSpec(1, [9, 5]).Validate()).Message.ShouldContain("Hidden layer 1 has 9 nodes");

    /// <summary>Per hidden layer, each node's share of a fresh sample (not the tuning one) on which it is active.</summary>
    static double[][] ActiveFractions(AuthorsTeacherSpec spec, long seed)
    {
        using var scope = NewDisposeScope();
        using var tuning = Inputs.Gaussian(Samples, spec.InputDim, Seeds.Of(seed, "tuning"), DataStd);
        using var fresh = Inputs.Gaussian(Samples, spec.InputDim, Seeds.Of(seed, "fresh"), DataStd);
        using var teacher = AuthorsTeacher.Build(spec, Seeds.Of(seed, "teacher"), tuning);
        using var noGrad = no_grad();
        using var trace = teacher.Trace(fresh);
        return trace.PreActivations.Select(p => p.Above(0).to(ScalarType.Float64).mean([0L]).data<double>().ToArray()).ToArray();
    }

    /// <summary>Each output's mean and unbiased standard deviation on the tuning sample or a fresh one.</summary>
    static (double[] Mean, double[] Std) OutputMoments(AuthorsTeacherSpec spec, long seed, bool fresh)
    {
        using var scope = NewDisposeScope();
        using var tuning = Inputs.Gaussian(Samples, spec.InputDim, Seeds.Of(seed, "tuning"), DataStd);
        using var other = Inputs.Gaussian(Samples, spec.InputDim, Seeds.Of(seed, "fresh"), DataStd);
        using var teacher = AuthorsTeacher.Build(spec, Seeds.Of(seed, "teacher"), tuning);
        using var noGrad = no_grad();
        var y = teacher.forward(fresh ? other : tuning);
        var mean = y.mean([0L]);
        var std = (y - mean).Squared().sum([0L]).Over_(y.shape[0] - 1).sqrt();
        return (mean.data<double>().ToArray(), std.data<double>().ToArray());
    }

    static string Summary(double[] v) => $"min {v.Min():0.0000}, max {v.Max():0.0000}";
}

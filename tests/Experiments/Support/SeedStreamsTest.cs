using NUnit.Framework;
using Shouldly;
using Verify.Model.Data;
using Verify.Model.Experiments;
using static TorchSharp.torch;

namespace Verify.Experiments.Support;

/// <summary>
/// The streams of a sweep are named, not offset: within a run they differ from each other, and
/// across the seeds of a sweep no stream of one run is a stream of another. The collision the old
/// offsets had (the eval inputs of seed s, offset 2, were the training inputs of seed s plus one,
/// offset 1) is checked on the data itself.
/// </summary>
[TestFixture]
public sealed class SeedStreamsTest
{
    [Test]
    public void EveryStreamOfEverySeedIsDistinct()
    {
        var configs = ExperimentScale.Default.LShape.Configs().Concat(ExperimentScale.Paper.Success.Configs()).ToArray();
        var byRun = configs.Select(c => (c.Seed, TwoLayerExperiment.Streams(c))).ToArray();

        foreach (var (seed, streams) in byRun)
            streams.All.Distinct().Count().ShouldBe(streams.All.Count(), $"seed {seed}: {streams}");
        // Runs of one seed share the teacher and data streams (they differ only in multi); across seeds nothing is shared.
        var shared = byRun.SelectMany(r => new[] { r.Item2.Teacher, r.Item2.TrainInputs, r.Item2.EvalInputs, r.Item2.OtherTeacher }.Select(s => (r.Seed, s))).Distinct()
            .GroupBy(x => x.s).Where(g => g.Select(x => x.Seed).Distinct().Count() > 1).ToArray();
        shared.ShouldBeEmpty($"streams shared across seeds: {string.Join(", ", shared.Select(g => g.Key))}");
    }

    [Test]
    public void TheEvalInputsOfSeedS_AreNotTheTrainingInputsOfSeedSPlusOne()
    {
        using var scope = NewDisposeScope();
        var baseConfig = ExperimentScale.Default.LShape.Base;
        var s1 = TwoLayerExperiment.Streams(baseConfig with { Seed = 1 });
        var s2 = TwoLayerExperiment.Streams(baseConfig with { Seed = 2 });
        using var eval1 = Inputs.Gaussian(100, 10, s1.EvalInputs);
        using var train2 = Inputs.Gaussian(100, 10, s2.TrainInputs);

        eval1.allclose(train2).ShouldBeFalse("the eval inputs of seed 1 must not be the training inputs of seed 2");
    }
}

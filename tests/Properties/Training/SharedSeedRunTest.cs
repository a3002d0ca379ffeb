using NUnit.Framework;
using Shouldly;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Networks;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Training;

/// <summary>
/// The configurations of one seed of a two-layer sweep (every multi and decay p) share the
/// teacher's lowest layer, the training and eval inputs and the batch sequence, so they train in one
/// kernel (one wide first-layer product) and are evaluated by one wide product per epoch; each run's
/// numbers still equal those of the same run trained alone, to float64 round-off.
/// </summary>
[TestFixture]
public sealed class SharedSeedRunTest
{
    static TwoLayerConfig Small(long seed, int multi, double decay) => new()
    {
        D = 8, M = 3, Multi = multi, Decay = decay, Outputs = 5, Epochs = 3, ItersPerEpoch = 200, NTrain = 128, NEval = 64, Seed = seed, LearningRate = 0.05,
    };

    static readonly TwoLayerConfig[] OneSeed = [Small(1, 1, 0), Small(1, 2, 0), Small(1, 1, 1), Small(1, 3, 2), Small(1, 2, 1) with { LearningRate = 0.02 }];

    [Test]
    public void DecayChangesOnlyTheFanOuts_TheLowestLayerIsShared([Values(1L, 2L)] long seed)
    {
        using var scope = NewDisposeScope();
        using var flat = Teacher.Build(TeacherSpec.TwoLayer(8, 3, 0, 5), seed);
        foreach (var p in new[] { 1.0, 2.0 })
        {
            using var decayed = Teacher.Build(TeacherSpec.TwoLayer(8, 3, p, 5), seed);
            decayed.Weights[0].equal(flat.Weights[0]).all().item<bool>().ShouldBeTrue($"seed {seed}, p {p}: the lowest layer must be p = 0's");
            var expected = flat.WeightArrays()[1];
            var actual = decayed.WeightArrays()[1];
            for (var j = 0; j < 3; j++)
                for (var o = 0; o < 5; o++)
                    actual[j, o].ShouldBe(expected[j, o] / Math.Pow(j + 1, p), Tolerances.Float64Identity, $"seed {seed}, p {p}: fan-out of teacher {j + 1} to output {o} is p = 0's divided by {j + 1}^p");
        }
    }

    /// <summary>Negative control of the comparison above: another seed's teacher has another lowest layer.</summary>
    [Test]
    public void AnotherSeedsTeacher_HasAnotherLowestLayer()
    {
        using var scope = NewDisposeScope();
        using var one = Teacher.Build(TeacherSpec.TwoLayer(8, 3, 1, 5), 1);
        using var two = Teacher.Build(TeacherSpec.TwoLayer(8, 3, 1, 5), 2);
        one.Weights[0].equal(two.Weights[0]).all().item<bool>().ShouldBeFalse("seeds 1 and 2 must draw different teachers");
    }

    [Test]
    public void TheRunsOfOneSeed_ShareEveryStreamButTheStudentsOfOtherMultis()
    {
        var streams = OneSeed.Select(TwoLayerExperiment.Streams).ToArray();
        foreach (var s in streams)
        {
            s.Teacher.ShouldBe(streams[0].Teacher);
            s.TrainInputs.ShouldBe(streams[0].TrainInputs);
            s.EvalInputs.ShouldBe(streams[0].EvalInputs);
            s.Batches.ShouldBe(streams[0].Batches, "the batch sequence is the seed's, whatever multi and p");
        }
        streams[1].Student.ShouldNotBe(streams[0].Student, "another multi draws another student");
        streams[4].Student.ShouldBe(streams[1].Student, "one multi, another p: the same initial student");
        TwoLayerExperiment.Streams(Small(2, 1, 0)).Batches.ShouldNotBe(streams[0].Batches, "another seed, another batch sequence");
    }

    [Test]
    public void EachRunOfASeedTrainedTogether_EqualsTheRunTrainedAlone()
    {
        var together = TwoLayerExperiment.RunBatched(OneSeed);
        for (var i = 0; i < OneSeed.Length; i++)
            Differences(TwoLayerExperiment.Run(OneSeed[i]), together[i]).ShouldBeEmpty($"{OneSeed[i]}: trained with its seed's other runs vs alone");
    }

    /// <summary>
    /// The evaluation of a seed's runs goes over blocks of eval rows (its correlations and losses are
    /// sums over the blocks); any block size, the last block short or the whole set in one, gives
    /// the numbers of the run evaluated alone (by the definitions: Pearson, mean squared error).
    /// </summary>
    [Test]
    public void EachRunOfASeed_EvaluatedInBlocksOfRows_EqualsTheRunTrainedAlone([Values(1, 7, 64, 1000)] int blockRows)
    {
        var saved = TwoLayerEvaluation.BlockRows;
        TwoLayerRun[] together;
        try
        {
            TwoLayerEvaluation.BlockRows = blockRows;
            together = TwoLayerExperiment.RunBatched(OneSeed);
        }
        finally { TwoLayerEvaluation.BlockRows = saved; }
        for (var i = 0; i < OneSeed.Length; i++)
            Differences(TwoLayerExperiment.Run(OneSeed[i]), together[i]).ShouldBeEmpty($"{OneSeed[i]}: evaluated in blocks of {blockRows} rows with its seed's other runs vs alone");
    }

    /// <summary>Negative control: the same comparison tells a run of another seed from the run of seed 1.</summary>
    [Test]
    public void TheComparison_TellsAnotherSeedsRunApart()
    {
        var together = TwoLayerExperiment.RunBatched(OneSeed);
        Differences(TwoLayerExperiment.Run(OneSeed[0] with { Seed = 2 }), together[0]).ShouldNotBeEmpty("seed 2's run must differ from seed 1's");
    }

    /// <summary>Every number of the run record that differs beyond round-off, in words.</summary>
    static List<string> Differences(TwoLayerRun alone, TwoLayerRun together)
    {
        var found = new List<string>();
        Close("train loss", alone.TrainLoss, together.TrainLoss);
        Close("eval loss", alone.EvalLoss, together.EvalLoss);
        Close("max per-sample gradient", alone.MaxSampleGrad, together.MaxSampleGrad);
        Each("eval loss per epoch", alone.EvalLossPerEpoch, together.EvalLossPerEpoch, relative: true);
        Each("coverage per epoch", alone.CoveragePerEpoch, together.CoveragePerEpoch, relative: false);
        Each("best correlation per teacher", alone.BestCorrPerTeacher, together.BestCorrPerTeacher, relative: false);
        Each("best correlation per teacher, early", alone.BestCorrPerTeacherEarly, together.BestCorrPerTeacherEarly, relative: false);
        Each("best correlation per student", alone.BestCorrPerStudent, together.BestCorrPerStudent, relative: false);
        Each("student fan-out norms", alone.StudentFanoutNorm, together.StudentFanoutNorm, relative: true);
        Each("gradient at first cover", Known(alone.GradAtFirstCover), Known(together.GradAtFirstCover), relative: true);
        Each("training loss at first cover", Known(alone.LossAtFirstCover), Known(together.LossAtFirstCover), relative: true);
        if (!alone.FirstCoveredEpoch.SequenceEqual(together.FirstCoveredEpoch))
            found.Add($"first covered epochs {string.Join(",", together.FirstCoveredEpoch)}, alone {string.Join(",", alone.FirstCoveredEpoch)}");
        if (alone.Outcome != together.Outcome) found.Add($"outcome {together.Outcome}, alone {alone.Outcome}");
        return found;

        // Never covered reads as 0, which no measured gradient or loss is: a teacher covered in one run and not the other differs.
        static double[] Known(double?[]? values) => values?.Select(v => v ?? 0).ToArray() ?? [];

        void Each(string what, double[] a, double[] b, bool relative)
        {
            if (a.Length != b.Length) found.Add($"{what}: {b.Length} values, alone {a.Length}");
            else
                for (var k = 0; k < a.Length; k++) Close($"{what} [{k}]", a[k], b[k], relative);
        }

        void Close(string what, double expected, double actual, bool relative = true)
        {
            var error = relative ? Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-300) : Math.Abs(actual - expected);
            if (!(error <= Tolerances.Float64Identity)) found.Add($"{what}: {actual:R} vs alone {expected:R} (error {error:G3})");
        }
    }
}

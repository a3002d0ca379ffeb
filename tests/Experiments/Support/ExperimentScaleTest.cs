using NUnit.Framework;
using Shouldly;
using Verify.Model.Evidence;
using Verify.Model.Experiments;

namespace Verify.Experiments.Support;

/// <summary>
/// The paper-size configurations the Nightly tests and `reproduce --scale paper` use follow the
/// protocol of notes section 4 and are valid, so a Nightly run cannot fail hours in on a bad setting.
/// </summary>
[TestFixture]
public sealed class ExperimentScaleTest
{
    [Test]
    public void PaperScale_FollowsTheTwoLayerProtocol()
    {
        var paper = ExperimentScale.Paper;
        foreach (var sweep in new[] { paper.LShape, paper.Success })
        {
            var c = sweep.Base;
            (c.D, c.NTrain, c.NEval, c.Epochs, c.ItersPerEpoch, c.Batch, c.LearningRate, c.Outputs).ShouldBe((100, 10_000, 10_000, 100, 1000, 16, 0.01, 50));
            sweep.Multis.ShouldBe([1, 2, 5, 10]);
        }
        paper.LShape.Base.M.ShouldBe(10);
        paper.LShape.Decays.ShouldBe([0.0, 1, 2]);
        paper.Success.Base.M.ShouldBe(20);
        paper.Success.Decays.ShouldBe([0.5, 1, 1.5, 2, 2.5]);
        (paper.SampleSize.Base.D, paper.SampleSize.Base.M, paper.SampleSize.Base.Decay).ShouldBe((100, 5, 1.0));
    }

    [TestCase("default")]
    [TestCase("paper")]
    public void EveryConfigurationIsValid(string name)
    {
        var scale = ExperimentScale.Parse(name);
        foreach (var sweep in new[] { scale.LShape, scale.Success, scale.Leaky })
            foreach (var c in sweep.Configs()) Should.NotThrow(c.Validate, c.ToString());
        foreach (var c in scale.SampleSize.Configs()) Should.NotThrow(c.Validate, c.ToString());
        foreach (var c in scale.MultiLayer) Should.NotThrow(c.Validate, c.ToString());
        foreach (var c in scale.MultiLayerAuthors.Configs()) Should.NotThrow(c.Validate, c.ToString());
    }

    /// <summary>The authors' multi-layer protocol is reduced only where its reductions say so (widths, epochs, N, seeds); every other key is the yaml's.</summary>
    [TestCase("default")]
    [TestCase("paper")]
    public void TheAuthorsProtocol_IsReducedOnlyInWidthsEpochsSizesAndSeeds(string name)
    {
        var reduced = ExperimentScale.Parse(name).MultiLayerAuthors.Base;
        var authors = AuthorsMultiLayerConfig.Authors;

        (reduced with { Ks = authors.Ks, Epochs = authors.Epochs }).ShouldBe(authors with { LearningRates = reduced.LearningRates });
        reduced.LearningRates.ShouldBe(authors.LearningRates);
        reduced.Ks.ShouldBe([10, 15, 20]);
    }

    /// <summary>The paper's deep teacher ([50, 75, 100, 125], d = 20) can be drawn and trained: a few steps of the real configuration.</summary>
    [Test]
    public void PaperMultiLayerConfiguration_Runs()
    {
        var config = ExperimentScale.Paper.MultiLayer[0] with { NTrain = 500, NEval = 500, Epochs = 1, ItersPerEpoch = 5 };

        var run = Model.Experiments.MultiLayer.Run(config);

        run.MeanBestCorrelation.Length.ShouldBe(4);
        run.MeanBestCorrelation.ShouldAllBe(r => double.IsFinite(r), config.ToString());
    }

    [Test]
    public void AnUnknownScale_IsNamed() =>
        Should.Throw<ArgumentException>(() => ExperimentScale.Parse("huge")).Message.ShouldContain("'huge'");
}

namespace Verify.Model.Claims;

/// <summary>
/// How a claim about one trained pair reads "specialized". <see cref="Paper"/> is the paper's own
/// wording and its code's metric: a student node with activation correlation above tau and
/// w_k = c w*_j, c &gt; 0 (cosine above the aligned threshold); an un-specialized node has (near) zero
/// fan-out. <see cref="Hyperplane"/> is the suite's reading: the same, up to a verified mirror
/// (w_k = -c w*_j whose linear term the other nodes compensate) and verified affine groups: the
/// teacher's hyperplane is matched, in either orientation.
/// </summary>
public enum Reading
{
    Paper,
    Hyperplane,
}

using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Planning
{
    /// <summary>
    /// The layer graph as inference sees it: identity layers (dropout, flatten) vanish, so a reader of one reads what it
    /// reads. Values are layer indices, -1 the model's input. Answers who reads a value, which the planner needs to fuse
    /// layers (a fused layer's output is never stored) and to keep buffers alive until their last reader.
    /// </summary>
    internal sealed class InferenceGraph
    {
        private readonly ModelSpec _spec;
        private readonly Dictionary<int, int> _readers = new();

        public InferenceGraph(ModelSpec spec)
        {
            _spec = spec;
            foreach (var layer in spec.Layers.Where(l => l.Role != InferenceRole.Identity))
            {
                foreach (int value in Inputs(layer))
                {
                    _readers[value] = Readers(value) + 1;
                }
            }

            // The model's output is read once more, by the caller.
            if (spec.Layers.Count > 0)
            {
                int output = Resolve(spec.Layers.Count - 1);
                _readers[output] = Readers(output) + 1;
            }
        }

        /// <summary>The value a layer's output is at inference: its own, or for an identity layer that of its source.</summary>
        public int Resolve(int index) => index >= 0 && _spec.Layers[index].Role == InferenceRole.Identity ? Resolve(_spec.Layers[index].Source) : index;

        /// <summary>The values a layer reads, identity layers resolved, in the layer's input order.</summary>
        public IEnumerable<int> Inputs(LayerSpec layer) => layer.Inputs.Select(Resolve);

        /// <summary>How many times the value is read (by steps, and once by the caller for the model's output).</summary>
        public int Readers(int value) => _readers.TryGetValue(value, out int n) ? n : 0;

        /// <summary>Whether <paramref name="reader"/> reads only <paramref name="value"/>, and nothing else reads it.</summary>
        public bool OnlyReaderIs(int value, LayerSpec reader) => Readers(value) == 1 && Inputs(reader).SequenceEqual(new[] { value });
    }
}

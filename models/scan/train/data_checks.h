#pragma once
// Checks, before any training starts, that the training and validation data fit the options, so
// that a wrong --img_dim, a damaged feature file or a caption the vocabulary cannot have produced
// stops the run with one clear message instead of a shape error (or NaN losses) hours later.
#include <string>
#include <vector>

#include "models/scan/data/source.h"
#include "models/scan/options.h"

namespace scan {

// Throws fw::Error("scan train: the <split> split: ...") naming the split, what was expected and
// what was found, for the first of these problems:
//  - no items;
//  - feature size != --img_dim; dev regions != train regions;
//  - dev captions not a multiple of 5 (validation pairs 5 captions with each image);
//  - a caption that is not <start> ids... <end> with every id in 0..vocab_size-1;
//  - a NaN or an infinity in the features (reads every feature row).
void check_training_data(const ScanOptions& opt, const CaptionImageSource& train, const CaptionImageSource& dev);

// What is legal but almost certainly not what was meant, as warning lines ("warning: ..."):
//  - --batch_size 1: no negatives in a batch, so the loss is 0 and nothing is learned;
//  - a split whose captions hold no known word (every word <unk>): the wrong vocabulary.
std::vector<std::string> training_data_warnings(const ScanOptions& opt, const CaptionImageSource& train,
                                                const CaptionImageSource& dev);

// One split's checks (all of the above but the train/dev comparison); `split` names it in messages.
void check_split(const ScanOptions& opt, const CaptionImageSource& data, const std::string& split);

}  // namespace scan

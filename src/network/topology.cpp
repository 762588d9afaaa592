// src/network/topology.cpp
#include "ccsim/network/topology.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/property_map/property_map.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace ccsim {

namespace {

struct EdgeProps {
  double latency_s = 0;
  std::uint32_t link = 0;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property, EdgeProps>;
using Edge = boost::graph_traits<Graph>::edge_descriptor;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

} // namespace

Topology Topology::build(std::span<const std::string> site_names, const NetworkSpec& spec)
{
  Topology t;
  t.sites_ = static_cast<std::uint32_t>(site_names.size());
  t.links_ = spec.links;
  t.window_bytes_ = spec.transfers.window_bytes();
  std::map<std::string, std::uint32_t, std::less<>> vertex_of;
  for (std::uint32_t i = 0; i < site_names.size(); i++)
    vertex_of.emplace(site_names[i], i);
  for (const auto& h : spec.hubs)
    vertex_of.emplace(h, static_cast<std::uint32_t>(vertex_of.size()));
  const auto vertex = [&vertex_of](const std::string& name) {
    const auto it = vertex_of.find(name);
    if (it == vertex_of.end())
      throw std::invalid_argument("Topology::build(): unknown site or hub \"" + name + "\"");
    return it->second;
  };

  Graph g(vertex_of.size());
  std::vector<std::pair<Vertex, Vertex>> ends; // per link: its (from, to) vertices
  for (std::uint32_t l = 0; l < t.links_.size(); l++) {
    ends.emplace_back(vertex(t.links_[l].from), vertex(t.links_[l].to));
    boost::add_edge(ends.back().first, ends.back().second, EdgeProps{t.links_[l].latency_s, l}, g);
  }

  t.pairs_.assign(static_cast<std::size_t>(t.sites_) * t.sites_, Pair{});
  const std::size_t n = boost::num_vertices(g);
  std::vector<double> dist(n);
  std::vector<Edge> via(n); // the edge that reached each vertex
  std::vector<bool> has_via(n);
  std::vector<Hop> reversed;
  for (std::uint32_t a = 0; a < t.sites_; a++) {
    std::fill(has_via.begin(), has_via.end(), false);
    auto record_edge = boost::make_dijkstra_visitor(boost::record_edge_predecessors(
        boost::make_iterator_property_map(via.begin(), boost::get(boost::vertex_index, g)), boost::on_edge_relaxed()));
    boost::dijkstra_shortest_paths(
        g, static_cast<Vertex>(a),
        boost::weight_map(boost::get(&EdgeProps::latency_s, g))
            .distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, g)))
            .visitor(record_edge));
    for (std::uint32_t b = 0; b < t.sites_; b++) {
      Pair& p = t.pairs_[static_cast<std::size_t>(a) * t.sites_ + b];
      if (a == b || dist[b] == std::numeric_limits<double>::max())
        continue;
      p.reachable = true;
      p.latency_s = dist[b];
      p.bandwidth_Bps = std::numeric_limits<double>::infinity();
      // Walk back from b to a along the recorded edges.
      reversed.clear();
      for (Vertex v = b; v != a;) {
        const Edge e = via[v];
        const EdgeProps& props = g[e];
        const LinkSpec& link = t.links_[props.link];
        const Vertex u = boost::source(e, g) == v ? boost::target(e, g) : boost::source(e, g);
        // Forward when this hop goes from the link's `from` end to its `to` end (u -> v).
        reversed.push_back(Hop{props.link, ends[props.link].second == v && ends[props.link].first == u});
        p.bandwidth_Bps = std::min(p.bandwidth_Bps, link.bandwidth_Bps);
        p.tier = std::max(p.tier, link.tier);
        v = u;
      }
      p.first_hop = static_cast<std::uint32_t>(t.hops_.size());
      p.hops = static_cast<std::uint32_t>(reversed.size());
      t.hops_.insert(t.hops_.end(), reversed.rbegin(), reversed.rend());
    }
  }
  return t;
}

std::span<const Topology::Hop> Topology::route(std::uint32_t a, std::uint32_t b) const
{
  if (a == b)
    return {};
  const Pair& p = pair(a, b);
  return std::span(hops_).subspan(p.first_hop, p.hops);
}

bool Topology::connected() const
{
  const auto [a, b] = first_unreachable();
  return a == b;
}

std::pair<std::uint32_t, std::uint32_t> Topology::first_unreachable() const
{
  for (std::uint32_t a = 0; a < sites_; a++)
    for (std::uint32_t b = a + 1; b < sites_; b++)
      if (not pair(a, b).reachable)
        return {a, b};
  return {0, 0};
}

} // namespace ccsim
